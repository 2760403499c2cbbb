"""Forms of the schedules module; every message in Chinese."""

from __future__ import annotations

from typing import Any

from django import forms

from shuniu.core.confirm import ConfirmField
from shuniu.core.forms import ExcelUploadForm, LocalDateTimeField, StyledForm
from shuniu.core.models import OFFICE_ROLES, Role, User
from shuniu.schedules.models import EngagementKind, RemindBefore
from shuniu.schedules.selectors import leader_queryset


class LeaderChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name}（{obj.leader_profile.post}）"


class LeadersField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Leaders as a list of checkboxes in protocol order: a 常委会 is one meeting of several leaders."""

    widget = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name}（{obj.leader_profile.post}）"


class EngagementForm(StyledForm):
    leaders = LeadersField(
        label="领导",
        queryset=User.objects.none(),
        help_text="一项活动有几位领导参加，就勾选几位：只录入一次，各位领导的日程里都会显示。",
        error_messages={
            "required": "请选择领导。",
            "invalid_choice": "领导不存在。",
            "invalid_pk_value": "领导不存在。",
            "invalid_list": "领导不存在。",
        },
    )
    kind = forms.ChoiceField(
        label="类型", choices=EngagementKind.choices, error_messages={"invalid_choice": "类型无效。"}
    )
    title = forms.CharField(label="事项", max_length=200, error_messages={"required": "请填写事项。"})
    start = LocalDateTimeField(label="开始")
    end = LocalDateTimeField(label="结束")
    place = forms.CharField(label="地点", max_length=200, required=False)
    notes = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    confidential = forms.BooleanField(label="保密（他人只看到“忙碌”）", required=False)
    # Shown (as a checkbox) only once the leaders' overlapping engagements have been listed.
    confirm = ConfirmField("确认时间重叠，仍然保存")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leaders"].queryset = leader_queryset()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", "结束时间必须晚于开始时间。")
        return data


class KeyWorkForm(StyledForm):
    title = forms.CharField(label="事项", max_length=200, error_messages={"required": "请填写事项。"})
    owner = forms.ModelChoiceField(
        label="责任人",
        queryset=User.objects.none(),
        error_messages={"required": "请选择责任人。", "invalid_choice": "责任人不存在。"},
    )
    leader = LeaderChoiceField(
        label="相关领导",
        queryset=User.objects.none(),
        required=False,
        empty_label="（无）",
        error_messages={"invalid_choice": "领导不存在。"},
    )
    start = LocalDateTimeField(label="时间")
    end = LocalDateTimeField(label="结束", required=False)
    place = forms.CharField(label="地点", max_length=200, required=False)
    remind_minutes = forms.TypedChoiceField(
        label="提醒",
        choices=RemindBefore.choices,
        coerce=int,
        initial=RemindBefore.DAY_1,
        help_text="届时提醒责任人和相关领导。",
        error_messages={"invalid_choice": "请从列表中选择提醒时间。", "required": "请选择提醒时间。"},
    )
    checklist = forms.CharField(label="准备事项（每行一项）", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    notes = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = User.objects.filter(is_active=True, role_grants__role__in=list(OFFICE_ROLES - {Role.LEADER}))
        self.fields["owner"].queryset = staff.distinct().order_by("full_name")  # type: ignore[attr-defined]
        self.fields["leader"].queryset = leader_queryset()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", "结束时间必须晚于开始时间。")
        data["checklist_items"] = [line.strip() for line in data.get("checklist", "").splitlines() if line.strip()]
        return data


class KeyWorkEditForm(KeyWorkForm):
    """Editing key work: the version read travels with the form; new preparation steps are added."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["checklist"].label = "追加准备事项（每行一项）"
        self.fields["checklist"].help_text = "已有的准备事项在详情页勾选，这里只追加新的。"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("version") is None:  # a hidden field: its error goes on top of the form
            self.add_error(None, "页面已过期，请刷新后再改。")
        return data


class KeyWorkCompleteForm(forms.Form):
    confirm = ConfirmField("确认仍要标记完成")


class CheckForm(forms.Form):
    """A checklist tick carries the state the person means (1: done, 0: not done), not a toggle."""

    done = forms.TypedChoiceField(
        choices=[("1", "完成"), ("0", "未完成")],
        coerce=lambda value: value == "1",
        error_messages={"required": "请求无效，请刷新页面后再试。", "invalid_choice": "请求无效，请刷新页面后再试。"},
    )


class PublishForm(forms.Form):
    """Publishing carries the version the editor reviewed (0: none was published)."""

    base = forms.IntegerField(
        required=False, min_value=0, widget=forms.HiddenInput, error_messages={"invalid": "请求无效，请刷新页面。"}
    )


class EngagementImportForm(ExcelUploadForm):
    allow_overlap = forms.BooleanField(label="允许时间重叠", required=False)
