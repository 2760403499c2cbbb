from __future__ import annotations

from typing import Any

from django import forms

from shuniu.core.forms import YEARS


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
        for name in ("since", "until"):
            if data.get(name) and not YEARS[0] <= data[name].year <= YEARS[1]:
                self.add_error(name, f"日期应在 {YEARS[0]} 年至 {YEARS[1]} 年之间。")
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError("起始日期不能晚于截止日期。")
        return data
