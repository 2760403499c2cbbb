"""Forms of the schedules module; every message in Chinese."""

from __future__ import annotations

from typing import Any

from django import forms

from shuniu.core.forms import ExcelUploadForm, StyledForm
from shuniu.core.models import OFFICE_ROLES, Role, User
from shuniu.schedules.models import EngagementKind
from shuniu.schedules.selectors import leader_queryset

_DT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class LocalDateTimeField(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", _DT_FORMATS)
        kwargs.setdefault(
            "error_messages", {"required": "请填写时间。", "invalid": "时间格式不正确，应如 2026-11-30 09:00。"}
        )
        super().__init__(**kwargs)


class LeaderChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name}（{obj.leader_profile.post}）"


class EngagementForm(StyledForm):
    leader = LeaderChoiceField(
        label="领导",
        queryset=User.objects.none(),
        empty_label="请选择领导",
        error_messages={"required": "请选择领导。", "invalid_choice": "领导不存在。"},
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
    # Shown (as a checkbox) only once the leader's overlapping engagements have been listed.
    confirm_overlap = forms.BooleanField(label="确认时间重叠，仍然保存", required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leader_queryset()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", "结束时间必须晚于开始时间。")
        return data

    def ask_overlap_confirmation(self) -> None:
        self.fields["confirm_overlap"].widget = forms.CheckboxInput(attrs={"class": "form-check-input"})


REMIND_CHOICES = [
    (30, "提前 30 分钟"),
    (60, "提前 1 小时"),
    (120, "提前 2 小时"),
    (240, "提前半天"),
    (1440, "提前 1 天"),
    (2880, "提前 2 天"),
    (4320, "提前 3 天"),
    (10080, "提前 1 周"),
]


class KeyWorkForm(StyledForm):
    title = forms.CharField(label="事项", max_length=200, error_messages={"required": "请填写事项。"})
    owner = forms.ModelChoiceField(
        label="责任人", queryset=User.objects.none(), error_messages={"required": "请选择责任人。"}
    )
    leader = LeaderChoiceField(label="相关领导", queryset=User.objects.none(), required=False, empty_label="（无）")
    start = LocalDateTimeField(label="时间")
    end = LocalDateTimeField(label="结束", required=False)
    place = forms.CharField(label="地点", max_length=200, required=False)
    remind_minutes = forms.TypedChoiceField(label="提醒", choices=REMIND_CHOICES, coerce=int, initial=1440)
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


class EngagementImportForm(ExcelUploadForm):
    allow_overlap = forms.BooleanField(label="允许时间重叠", required=False)
