from __future__ import annotations

from typing import Any

from django import forms


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label="操作人", max_length=50, required=False)
    action = forms.CharField(label="操作", max_length=60, required=False)
    object_type = forms.CharField(label="对象类型", max_length=60, required=False)
    since = forms.DateField(
        label="起始日期", required=False, error_messages={"invalid": "起始日期格式应为 2026-01-31。"}
    )
    until = forms.DateField(
        label="截止日期", required=False, error_messages={"invalid": "截止日期格式应为 2026-01-31。"}
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError("起始日期不能晚于截止日期。")
        return data
