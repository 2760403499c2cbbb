"""Forms of the core app; every message in Chinese."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.password_validation import validate_password
from django.utils import timezone

from shuniu.core.models import Role, UnitKind, User, role_combination_errors


class Picker(forms.CheckboxSelectMultiple):
    """A searchable checkbox list for long choices (承办单位 among fifty units), grouped if the choices are.

    Renders a filter box and a scrollable list (`static/shuniu/picker.js` narrows it as one types and
    sums up what is chosen); without JavaScript it is a plain list of checkboxes.
    """

    template_name = "core/widgets/picker.html"


YEARS = (2000, 2100)  # the years a date in the office's records may fall in
_DT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def _in_years(moment: dt.date) -> None:
    if not YEARS[0] <= moment.year <= YEARS[1]:
        raise forms.ValidationError(f"日期应在 {YEARS[0]} 年至 {YEARS[1]} 年之间。")


class LocalDateTimeField(forms.DateTimeField):
    """A date and time as a browser's ``datetime-local`` sends it, in the office's years."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", _DT_FORMATS)
        kwargs.setdefault(
            "error_messages", {"required": "请填写时间。", "invalid": "时间格式不正确，应如 2026-11-30 09:00。"}
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> dt.datetime | None:
        moment: dt.datetime | None = super().clean(value)
        if moment is not None:
            _in_years(moment)
        return moment


class LocalDateField(forms.DateField):
    """A day as a browser's ``date`` input sends it (2026-11-30), in the office's years."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        kwargs.setdefault(
            "error_messages", {"required": "请填写日期。", "invalid": "日期格式不正确，应如 2026-11-30。"}
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> dt.date | None:
        day: dt.date | None = super().clean(value)
        if day is not None:
            _in_years(day)
        return day


_ASCII_NUMBER = re.compile(r"[0-9]{1,9}")


def form_errors(form: forms.Form) -> str:
    """A bound form's errors as one Chinese sentence, for a message after a redirect."""
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def is_number(text: str) -> bool:
    """Plain digits 0–9 (str.isdigit also says yes to ² and full-width digits, which int() refuses)."""
    return _ASCII_NUMBER.fullmatch(text) is not None


def int_param(text: str | None, default: int, low: int, high: int) -> int:
    """A whole number from a URL or a cell within [low, high]; anything else gives `default`."""
    if text is None or not is_number(text):
        return default
    value = int(text)
    return value if low <= value <= high else default


def date_param(text: str | None, default: dt.date) -> dt.date:
    """A date from a URL (``?date=2026-11-27``); anything unreadable or outside the office's years gives `default`."""
    try:
        day = dt.date.fromisoformat(text or "")
    except ValueError:
        return default
    return day if YEARS[0] <= day.year <= YEARS[1] else default


def period_param(
    get: Any, default_first: dt.date, default_last: dt.date
) -> tuple[dt.date, dt.date, dt.datetime, dt.datetime]:
    """A figures page's ``?from=&to=`` (swapped when reversed) and the aware [start, end) they cover."""
    first, last = date_param(get.get("from"), default_first), date_param(get.get("to"), default_last)
    first, last = (first, last) if first <= last else (last, first)
    return first, last, *day_span(first, last)


def day_span(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[first 00:00, the day after last 00:00) in the county's zone: the range a time column is filtered on."""
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    return start, timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min))


class StyledForm(forms.Form):
    """Adds Bootstrap's classes to every widget, so templates render fields with `{{ field }}`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput | Picker):
                continue
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class LoginForm(StyledForm):
    username = forms.CharField(label="用户名", max_length=150, error_messages={"required": "请输入用户名。"})
    password = forms.CharField(
        label="密码", strip=False, widget=forms.PasswordInput, error_messages={"required": "请输入密码。"}
    )


class CodeForm(StyledForm):
    """A code from the authenticator app (6 digits) or, at login, a recovery code."""

    code = forms.CharField(
        label="验证码",
        max_length=20,
        error_messages={"required": "请输入验证码。"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )


class PasswordChangeForm(StyledForm):
    old_password = forms.CharField(label="原密码", strip=False, widget=forms.PasswordInput)
    new_password = forms.CharField(label="新密码", strip=False, widget=forms.PasswordInput)
    new_password2 = forms.CharField(label="再次输入新密码", strip=False, widget=forms.PasswordInput)

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self) -> str:
        value: str = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError("原密码不正确。")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        new, again = data.get("new_password"), data.get("new_password2")
        if new and again and new != again:
            self.add_error("new_password2", "两次输入的新密码不一致。")
        elif new:
            try:
                validate_password(new, self.user)
            except forms.ValidationError as exc:
                self.add_error("new_password", exc)
            if data.get("old_password") == new:
                self.add_error("new_password", "新密码不能与原密码相同。")
        return data


class RolesFormMixin(forms.Form):
    """Adds the role checkboxes and the 三权分立 check to a user form."""

    roles = forms.MultipleChoiceField(
        label="角色", choices=Role.choices, widget=forms.CheckboxSelectMultiple, required=True
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        unit = data.get("unit", getattr(getattr(self, "instance", None), "unit", None))
        for error in role_combination_errors(data.get("roles", []), has_unit=unit is not None):
            self.add_error("roles", error)
        return data


class UserAdminForm(RolesFormMixin, UserChangeForm):  # type: ignore[type-arg]
    """The admin's user form: the password shows only as a link to its own change page."""

    class Meta:
        model = User
        fields = ["username", "password", "full_name", "unit", "clearance", "mobile", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["roles"].initial = sorted(self.instance.roles)


class DirectoryFilterForm(StyledForm):
    kind = forms.ChoiceField(label="类别", choices=[("", "全部"), *UnitKind.choices], required=False)
    q = forms.CharField(label="查找", max_length=50, required=False)


class ExcelUploadForm(StyledForm):
    file = forms.FileField(label="Excel 文件（.xlsx）", error_messages={"required": "请选择要导入的文件。"})

    MAX_BYTES = 10 * 1024 * 1024

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("文件超过 10 MB。")
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("只接受 .xlsx 格式的 Excel 文件。")
        return upload


class MultiFileInput(forms.ClearableFileInput):
    """A file input that takes several files at once."""

    allow_multiple_selected = True


class MultiFileField(forms.FileField):
    """Several files in one field (cleaned to a list; checked by `core.files.attach`)."""

    widget = MultiFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class NotificationChoicesForm(StyledForm):
    """通知方式: per kind of event, also by e-mail and/or SMS; and quiet hours (免打扰)."""

    quiet_start = forms.TimeField(
        label="免打扰开始",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "请输入有效的时间，如 22:00。"},
    )
    quiet_end = forms.TimeField(
        label="免打扰结束",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "请输入有效的时间，如 07:30。"},
    )

    def __init__(self, *args: Any, kinds: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in kinds.items():
            self.fields[key] = forms.MultipleChoiceField(
                label=label,
                required=False,
                choices=[("email", "电子邮件"), ("sms", "短信")],
                widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
            )
        self.kinds = kinds

    def choices(self) -> list[tuple[str, bool, bool]]:
        return [(k, "email" in self.cleaned_data[k], "sms" in self.cleaned_data[k]) for k in self.kinds]


class TokenForm(StyledForm):
    """A new access token: what it is for, and what it may do."""

    name = forms.CharField(label="用途", max_length=50, help_text="如“市委督查系统对接”“值班室大屏”。")
    scope = forms.ChoiceField(label="权限", choices=())

    def __init__(self, *args: Any, scopes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = self.fields["scope"]
        assert isinstance(scope, forms.ChoiceField)  # noqa: S101 - declared so above
        scope.choices = scopes
