"""The notice's forms; every message in Chinese."""

from __future__ import annotations

from typing import Any

from django import forms

from shuniu.core.forms import LocalDateTimeField, Picker, StyledForm
from shuniu.core.models import Unit, UnitKind, User
from shuniu.notices.models import CallTopic, Fact, Outcome, Scope


def _units() -> Any:
    return Unit.objects.filter(is_active=True).exclude(kind=UnitKind.SECTION).order_by("kind", "sort_order", "name")


KINDS = [(UnitKind.TOWNSHIP, "全部乡镇"), (UnitKind.DEPARTMENT, "全部县直部门")]


class NoticeForm(StyledForm):
    subject = forms.CharField(label="事由", max_length=200, error_messages={"required": "请填写通知事由。"})
    starts_at = LocalDateTimeField(label="会议（活动）时间")
    place = forms.CharField(label="会议（活动）地点", max_length=200, error_messages={"required": "请填写地点。"})
    convener = forms.CharField(label="召集人", max_length=100, required=False)
    agenda = forms.CharField(label="议题", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    attendees = forms.CharField(
        label="参加人员",
        max_length=300,
        error_messages={"required": "请填写参加人员。"},
        help_text="如：各乡镇党委书记",
    )
    bring = forms.CharField(label="携带材料", max_length=300, required=False)
    reply_by = LocalDateTimeField(label="回复截止（参会人员名单等）", required=False)
    notes = forms.CharField(label="其他要求", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    facts = forms.MultipleChoiceField(
        label="请对方复述核对的要点",
        choices=Fact.choices,
        initial=[Fact.TIME, Fact.PLACE, Fact.ATTENDEES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="要点取自上面填写的内容，拨打时逐项核对。",
    )
    kinds = forms.MultipleChoiceField(
        label="按类别选择", choices=KINDS, required=False, widget=forms.CheckboxSelectMultiple
    )
    scope = forms.ModelChoiceField(
        label="常用通知范围", queryset=Scope.objects.all(), required=False, empty_label="（不使用）"
    )
    units = forms.ModelMultipleChoiceField(
        label="逐个选择单位", queryset=_units(), required=False, widget=Picker, help_text="可输入名称筛选，可多选。"
    )
    save_scope = forms.CharField(
        label="另存为常用通知范围（可选）", max_length=50, required=False, help_text="填写名称即保存本次所选单位。"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = dict(UnitKind.choices)
        grouped: dict[str, list[tuple[int, str]]] = {}
        for unit in _units():
            grouped.setdefault(kinds[unit.kind], []).append((unit.pk, unit.name))
        self.fields["units"].widget.choices = list(grouped.items())

    def chosen_units(self) -> list[Unit]:
        """Every unit picked by kind, by saved scope or one by one, once each."""
        data = self.cleaned_data
        picked: dict[int, Unit] = {}
        for unit in _units().filter(kind__in=data.get("kinds") or []):
            picked[unit.pk] = unit
        if data.get("scope"):
            for unit in data["scope"].units.filter(is_active=True):
                picked[unit.pk] = unit
        for unit in data.get("units") or []:
            picked[unit.pk] = unit
        return list(picked.values())


class CallForm(StyledForm):
    """One call to a unit: who answered, and the read-back fact by fact (fields added per fact)."""

    number = forms.CharField(label="拨打号码", max_length=40, required=False)
    outcome = forms.ChoiceField(label="结果", choices=Outcome.choices, widget=forms.RadioSelect)
    taken_by = forms.CharField(label="接听人", max_length=50, required=False)
    note = forms.CharField(label="备注", max_length=300, required=False)
    retry_at = LocalDateTimeField(label="未接通时再次拨打时间（默认 15 分钟后）", required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)  # the notice as the caller read it

    def __init__(self, *args: Any, facts: list[tuple[str, str, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.facts = facts
        for fact, label, _ in facts:
            self.fields[f"rb_{fact}"] = forms.ChoiceField(
                label=label,
                choices=[("right", "复述正确"), ("wrong", "复述有误")],
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"heard_{fact}"] = forms.CharField(label=f"{label}：对方说成", max_length=100, required=False)
            self.fields[f"fixed_{fact}"] = forms.BooleanField(label="已更正，对方再次复述正确", required=False)


class ConfirmForm(StyledForm):
    ticked = forms.MultipleChoiceField(
        label="已记录并核对无误", choices=Fact.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ChangeForm(StyledForm):
    starts_at = LocalDateTimeField(label="新的时间")
    place = forms.CharField(label="新的地点", max_length=200, error_messages={"required": "请填写地点。"})
    reply_by = LocalDateTimeField(label="回复截止（需调整时填写）", required=False)


class ReasonForm(StyledForm):
    reason = forms.CharField(label="理由", max_length=300, error_messages={"required": "请填写理由。"})


class IncomingForm(StyledForm):
    """An incoming call at the desk."""

    number = forms.CharField(label="来电号码", max_length=40, required=False)
    at = LocalDateTimeField(label="来电时间")
    unit = forms.ModelChoiceField(
        label="来电单位（按号码自动识别，可改选）", queryset=_units(), required=False, empty_label="（未识别或外单位）"
    )
    caller = forms.CharField(label="来电人", max_length=50, required=False)
    topic = forms.ChoiceField(label="类别", choices=CallTopic.choices)
    content = forms.CharField(
        label="来电内容", widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "请填写来电内容。"}
    )
    proposal = forms.CharField(label="拟办意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    callback_due = LocalDateTimeField(label="应回电时间（需回电时填写）", required=False)


class CallHandleForm(StyledForm):
    proposal = forms.CharField(label="拟办意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    instruction = forms.CharField(label="领导批示", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    instructed_by = forms.ModelChoiceField(
        label="批示领导", queryset=User.objects.filter(is_active=True, leader_profile__isnull=False), required=False
    )
    result = forms.CharField(label="办理结果", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    close = forms.BooleanField(label="已办结", required=False)
    stamp = forms.CharField(required=False, widget=forms.HiddenInput)  # the call's updated_at, as loaded
