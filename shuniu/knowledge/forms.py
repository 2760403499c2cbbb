"""Forms of the county's facts; every message in Chinese."""

from __future__ import annotations

from django import forms

from shuniu.core.forms import LocalDateField, StyledForm


class StatementForm(StyledForm):
    value = forms.CharField(label="数值", max_length=200, error_messages={"required": "请填写数值。"})
    as_of = LocalDateField(label="截至日期")
    source = forms.CharField(
        label="来源",
        max_length=200,
        error_messages={"required": "请填写来源。"},
        help_text="如：2025年示例县国民经济和社会发展统计公报",
    )
    preferred = forms.BooleanField(label="设为首选（如普查数优先于年度推算数）", required=False)


class SupersedeForm(StyledForm):
    reason = forms.CharField(label="作废理由", max_length=300, error_messages={"required": "请说明作废理由。"})
