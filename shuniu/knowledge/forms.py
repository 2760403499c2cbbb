"""Forms of the county's facts; every message in Chinese."""

from __future__ import annotations

from django import forms

from shuniu.core.forms import LocalDateField, StyledForm
from shuniu.core.models import Role, Unit
from shuniu.core.selectors import users_with_role
from shuniu.knowledge.models import Sector


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


def _money(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=f"{label}（万元）",
        min_value=0,
        max_digits=14,
        decimal_places=2,
        error_messages={"required": f"请填写{label}。", "invalid": f"{label}应为数字（万元）。"},
    )


class ProjectForm(StyledForm):
    name = forms.CharField(label="项目名称", max_length=100, error_messages={"required": "请填写项目名称。"})
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    sector = forms.ChoiceField(label="所属领域", choices=Sector.choices)
    total_planned = _money("计划总投资")
    year_planned = _money("年度计划投资")
    unit = forms.ModelChoiceField(
        label="责任单位", queryset=Unit.objects.filter(is_active=True), error_messages={"required": "请选择责任单位。"}
    )
    leader = forms.ModelChoiceField(label="责任领导", queryset=users_with_role(Role.LEADER), required=False)
    content = forms.CharField(label="建设内容", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class MilestoneForm(StyledForm):
    name = forms.CharField(label="节点", max_length=100, error_messages={"required": "请填写节点名称。"})
    planned_on = LocalDateField(label="计划完成日期")


class ReachForm(StyledForm):
    done_on = LocalDateField(label="实际完成日期")


class ProgressForm(StyledForm):
    as_of = LocalDateField(label="截至日期")
    year_done = _money("本年完成投资")
    total_done = _money("累计完成投资")
    works = forms.IntegerField(
        label="形象进度（%）",
        min_value=0,
        max_value=100,
        error_messages={"required": "请填写形象进度。", "invalid": "形象进度应为 0 到 100 的整数。"},
    )
    note = forms.CharField(
        label="进展情况", widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "请填写进展情况。"}
    )
    problems = forms.CharField(label="存在问题", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class LinkForm(StyledForm):
    number = forms.CharField(
        label="督办编号", max_length=30, error_messages={"required": "请填写督办编号。"}, help_text="如：督〔2026〕8号"
    )
