"""Forms of supervision: register a matter; sign, object, reassign; report; chase."""

from __future__ import annotations

from typing import Any

from django import forms

from shuniu.core.forms import LocalDateTimeField, MultiFileField, Picker, StyledForm
from shuniu.core.models import Unit, UnitKind
from shuniu.schedules.forms import LeaderChoiceField
from shuniu.schedules.selectors import leader_queryset
from shuniu.supervision.models import Channel, Cycle, Level, Method, Source, Urgency
from shuniu.supervision.selectors import time_limits_text


def _units() -> Any:
    return Unit.objects.filter(is_active=True).order_by("kind", "sort_order", "name")


class MatterForm(StyledForm):
    source = forms.ChoiceField(label="交办来源", choices=Source.choices)
    title = forms.CharField(label="事项名称", max_length=200, error_messages={"required": "请填写事项名称。"})
    content = forms.CharField(
        label="交办内容", widget=forms.Textarea(attrs={"rows": 4}), error_messages={"required": "请填写交办内容。"}
    )
    instruction = forms.CharField(label="领导批示原文", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    instructing_leader = LeaderChoiceField(
        label="交办领导", queryset=leader_queryset(), required=False, empty_label="（无）"
    )
    leader_in_charge = LeaderChoiceField(
        label="分管领导", queryset=leader_queryset(), required=False, empty_label="（无）"
    )
    lead_unit = forms.ModelChoiceField(
        label="主办单位", queryset=_units(), error_messages={"required": "请选择主办单位。"}
    )
    co_units = forms.ModelMultipleChoiceField(
        label="协办单位", queryset=_units(), required=False, widget=Picker, help_text="可输入名称筛选，可多选。"
    )
    urgency = forms.ChoiceField(label="紧急程度", choices=Urgency.choices, initial=Urgency.NORMAL)
    cycle = forms.ChoiceField(label="报告周期", choices=Cycle.choices, required=False)
    document = forms.IntegerField(required=False, widget=forms.HiddenInput)  # 待转督办: the document it comes from
    petition = forms.IntegerField(required=False, widget=forms.HiddenInput)  # or the petition
    call = forms.IntegerField(required=False, widget=forms.HiddenInput)  # or the incoming call
    not_accused = forms.BooleanField(label="已核实承办单位不是被检举控告对象（检举控告类信访事项）", required=False)
    deadline = LocalDateTimeField(
        label="办理时限",
        required=False,
    )

    def __init__(self, *args: Any, accusation: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = dict(UnitKind.choices)
        grouped: dict[str, list[tuple[int, str]]] = {}
        for unit in _units():
            grouped.setdefault(str(kinds.get(unit.kind, unit.kind)), []).append((unit.pk, unit.name))
        self.fields["co_units"].widget.choices = list(grouped.items())
        self.fields["deadline"].help_text = time_limits_text()
        if not accusation:  # asked only of an accusation petition's instruction (art. 30)
            del self.fields["not_accused"]


class RecordSignForm(StyledForm):
    """Staff record a unit's paper or phone hand-over."""

    channel = forms.ChoiceField(
        label="签收方式", choices=[(Channel.PHONE, Channel.PHONE.label), (Channel.PAPER, Channel.PAPER.label)]
    )
    person = forms.CharField(label="签收人", max_length=50, error_messages={"required": "请填写签收人。"})


class ObjectForm(StyledForm):
    reason = forms.CharField(
        label="不属于本单位职责的理由",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请说明理由。"},
    )


class ReassignForm(StyledForm):
    unit = forms.ModelChoiceField(label="改派给", queryset=_units(), error_messages={"required": "请选择单位。"})
    reason = forms.CharField(label="说明", max_length=300, required=False)


class ReportForm(StyledForm):
    text = forms.CharField(
        label="进展情况", widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "请填写进展情况。"}
    )
    percent = forms.IntegerField(label="完成进度（%）", min_value=0, max_value=100, initial=0)
    problems = forms.CharField(label="存在问题", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    next_steps = forms.CharField(label="下一步打算", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    completion = forms.BooleanField(label="这是办结报告（主办单位）", required=False)
    uploads = MultiFileField(label="附件（PDF、OFD、PNG、JPEG；涉密事项不得上传）", required=False)


class ChaseForm(StyledForm):
    method = forms.ChoiceField(label="催办方式", choices=Method.choices)
    reached = forms.CharField(label="联系对象", max_length=50, error_messages={"required": "请填写联系对象。"})
    outcome = forms.CharField(label="催办结果", max_length=300, error_messages={"required": "请填写催办结果。"})


class ExtensionForm(StyledForm):
    """The lead unit asks for a later deadline."""

    expected = LocalDateTimeField(label="预计办结时间", error_messages={"required": "请填写预计办结时间。"})
    reason = forms.CharField(
        label="延期理由",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写延期理由。"},
    )
    progress = forms.CharField(
        label="目前进展",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写目前进展。"},
    )


class DecideForm(StyledForm):
    """Staff approve an extension with a concrete date, or refuse it with a reason."""

    new_deadline = LocalDateTimeField(label="批准的办理时限", required=False)
    answer = forms.CharField(label="审批意见（不同意时必填）", max_length=300, required=False)


class EscalationForm(StyledForm):
    """A notice of the ladder to one of the matter's units, or a stalling unit reported to the leaders."""

    assignment = forms.TypedChoiceField(label="承办单位", coerce=int, error_messages={"required": "请选择单位。"})
    level = forms.ChoiceField(label="等级", choices=Level.choices)
    text = forms.CharField(
        label="督办要求 / 停滞情况",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写督办要求或停滞情况。"},
    )

    def __init__(self, *args: Any, assignments: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignment"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 - declared above
        field.choices = [(a.pk, f"{a.unit.name}（{a.get_part_display()}）") for a in assignments]


class CommentForm(StyledForm):
    """The instructing leader's comment on the feedback report."""

    text = forms.CharField(
        label="阅示意见",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写阅示意见。"},
    )
    more = forms.BooleanField(label="需继续办理（开启新一轮督办）", required=False)
    deadline = LocalDateTimeField(label="新一轮办理时限（不填按默认时限）", required=False)
