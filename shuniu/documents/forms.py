"""Forms of the documents module; every message in Chinese."""

from __future__ import annotations

from typing import Any

from django import forms

from shuniu.core.confirm import ConfirmField
from shuniu.core.forms import LocalDateTimeField, MultiFileField, Picker, StyledForm
from shuniu.core.models import Clearance, Unit, UnitKind, User
from shuniu.documents.models import Kind, Urgency
from shuniu.schedules.forms import LeaderChoiceField
from shuniu.schedules.selectors import leader_queryset


class RegisterForm(StyledForm):
    received_at = LocalDateTimeField(label="收文时间")
    source_org = forms.CharField(label="来文单位", max_length=100, error_messages={"required": "请填写来文单位。"})
    source_number = forms.CharField(label="发文字号", max_length=60, required=False)
    title = forms.CharField(label="标题", max_length=300, error_messages={"required": "请填写标题。"})
    urgency = forms.ChoiceField(label="紧急程度", choices=Urgency.choices, initial=Urgency.NORMAL)
    kind = forms.ChoiceField(label="文件类型", choices=Kind.choices, initial=Kind.READ)
    secrecy = forms.TypedChoiceField(label="密级", choices=Clearance.choices, coerce=int, initial=Clearance.NONE)
    secrecy_term = forms.CharField(label="保密期限", max_length=30, required=False)
    copies_received = forms.IntegerField(label="份数", min_value=1, max_value=999, initial=1)
    pages = forms.IntegerField(label="页数", min_value=1, max_value=9999, initial=1)
    deadline = LocalDateTimeField(label="办理时限", required=False)
    uploads = MultiFileField(label="附件（PDF、OFD、PNG、JPEG；涉密文件不得上传）", required=False)
    kept = forms.CharField(required=False, widget=forms.HiddenInput)  # files chosen before a form error
    confirm = ConfirmField("确认不是重复登记")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("urgency") in (Urgency.FLASH, Urgency.URGENT) and not data.get("deadline"):
            self.add_error("deadline", "特急、加急文件必须填写办理时限。")
        if (data.get("secrecy") or 0) >= Clearance.SECRET and data.get("uploads"):
            self.add_error("uploads", "秘密及以上文件只登记目录信息，不得上传附件。")
        return data


class CorrectForm(RegisterForm):
    """更正登记: the registration's particulars, and why they change."""

    reason = forms.CharField(
        label="更正说明", max_length=200, error_messages={"required": "请填写更正说明（如：标题录入有误）。"}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["uploads"]
        del self.fields["kept"]
        del self.fields["confirm"]


class ReturnForm(StyledForm):
    reason = forms.CharField(label="退回理由", max_length=300, error_messages={"required": "请填写退回理由。"})


class ProposalForm(StyledForm):
    readers = forms.ModelMultipleChoiceField(
        label="传阅领导",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一位传阅领导。"},
    )
    first = LeaderChoiceField(
        label="须先阅并批示的领导（可空）", queryset=User.objects.none(), required=False, empty_label="（无）"
    )
    units = forms.ModelMultipleChoiceField(
        label="承办单位",
        queryset=Unit.objects.none(),
        required=False,
        widget=Picker,
        help_text="可输入名称筛选，可多选。",
    )
    lead_unit = forms.ModelChoiceField(
        label="主办单位", queryset=Unit.objects.none(), required=False, empty_label="（无）"
    )
    deadline = LocalDateTimeField(label="办理时限", required=False)
    copies_allowed = forms.IntegerField(label="传阅份数", min_value=1, max_value=20, initial=1)
    copy_to_units = forms.BooleanField(
        label="同时送承办单位阅办",
        required=False,
        help_text="特急、加急件有承办单位时，批准后自动同时送各承办单位；平件勾选此项才送。不占传阅份数。",
    )
    opinion = forms.CharField(label="拟办意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        leaders = leader_queryset()
        self.fields["readers"].queryset = leaders  # type: ignore[attr-defined]
        self.fields["readers"].label_from_instance = lambda u: f"{u.full_name}（{u.leader_profile.post}）"  # type: ignore[attr-defined]
        self.fields["first"].queryset = leaders  # type: ignore[attr-defined]
        units = Unit.objects.filter(is_active=True).order_by("kind", "sort_order")
        self.fields["units"].queryset = units  # type: ignore[attr-defined]
        kinds = dict(UnitKind.choices)
        grouped: dict[str, list[tuple[int, str]]] = {}
        for unit in units:
            grouped.setdefault(str(kinds.get(unit.kind, unit.kind)), []).append((unit.pk, unit.name))
        self.fields["units"].widget.choices = list(grouped.items())
        self.fields["lead_unit"].queryset = units  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, readers = data.get("first"), data.get("readers")
        if first is not None and readers is not None and first not in readers:
            self.add_error("first", "须先阅的领导必须在传阅范围内。")
        lead, units = data.get("lead_unit"), data.get("units")
        if lead is not None and (units is None or lead not in units):
            self.add_error("lead_unit", "主办单位必须是承办单位之一。")
        if data.get("copy_to_units") and not units:
            self.add_error("copy_to_units", "没有选择承办单位，无法同时送承办单位。")
        return data


class ApproveForm(StyledForm):
    copies_allowed = forms.IntegerField(label="批准传阅份数", min_value=1, max_value=20)
    opinion = forms.CharField(label="审批意见", max_length=300, required=False)
    # A classified document: the units the director approves a copy for, each by name.
    unit_copies = forms.ModelMultipleChoiceField(
        label="批准复印送承办单位",
        queryset=Unit.objects.all(),
        required=False,
        error_messages={"invalid_choice": "所选承办单位不存在。", "invalid_pk_value": "所选承办单位无效。"},
    )


class UnitReceiptForm(StyledForm):
    """The clerk records a unit's receipt of a paper copy: who signed the book, and when."""

    receiver_name = forms.CharField(label="签收人", max_length=50, error_messages={"required": "请填写签收人姓名。"})
    received_at = LocalDateTimeField(label="签收时间")


class SendBackForm(StyledForm):
    reason = forms.CharField(label="退回拟办的理由", max_length=300, error_messages={"required": "请填写理由。"})


class SignForm(StyledForm):
    instruction = forms.CharField(
        label="批示",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="只签“已阅”可不填；勾选“要求办理”时须写明批示内容。",
    )
    requires_action = forms.BooleanField(label="批示要求办理（转督办）", required=False)


class PaperSignForm(SignForm):
    signed_at = LocalDateTimeField(label="签阅时间")


class CloseForm(StyledForm):
    result = forms.CharField(
        label="办理结果", widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "请填写办理结果。"}
    )


class ArchiveForm(StyledForm):
    retention = forms.ChoiceField(label="保管期限", choices=[("永久", "永久"), ("30年", "30年"), ("10年", "10年")])


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A person with their roles, so two 王 are told apart (王芳（文书）)."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name}（{'、'.join(obj.role_labels)}）"


class DelegationForm(StyledForm):
    leader = LeaderChoiceField(label="领导", queryset=User.objects.none(), empty_label="请选择领导")
    acting = PersonChoiceField(
        label="委托给",
        queryset=User.objects.none(),
        empty_label="请选择",
        error_messages={
            "required": "请选择代阅人。",
            "invalid_choice": "请从列表中选择代阅人（县领导或县委办人员，不能委托给本人）。",
        },
    )
    start = LocalDateTimeField(label="开始")
    end = LocalDateTimeField(label="结束")

    def __init__(self, *args: Any, for_leader: User | None = None, **kwargs: Any) -> None:
        """`for_leader`: a leader delegates their own desk (no choice of leader); the office chooses."""
        super().__init__(*args, **kwargs)
        if for_leader is not None:
            del self.fields["leader"]
        else:
            self.fields["leader"].queryset = leader_queryset()  # type: ignore[attr-defined]
        self.fields["acting"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(is_active=True, role_grants__role__in=["leader", "director", "clerk"])
            .exclude(pk__in=[for_leader.pk] if for_leader is not None else [])
            .distinct()
            .order_by("full_name")
        )


class RegisterFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    status = forms.CharField(required=False, max_length=20)
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100)
