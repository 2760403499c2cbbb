"""Password policy (等保 2.0): three of the four character classes, no user name inside, not the
published demo password outside the demo, none of the last five again."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

_CLASSES = (
    ("小写字母", str.islower),
    ("大写字母", str.isupper),
    ("数字", str.isdigit),
)


def character_classes(password: str) -> int:
    used = 0
    for _, test in _CLASSES:
        if any(test(ch) and ch.isascii() for ch in password):
            used += 1
    if any(not ch.isalnum() or not ch.isascii() for ch in password):
        used += 1
    return used


class CharacterClassValidator:
    """Require `min_classes` of: lower-case letters, upper-case letters, digits, other characters."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                f"密码须包含小写字母、大写字母、数字、特殊符号中的至少 {self.min_classes} 类。",
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return f"密码须包含小写字母、大写字母、数字、特殊符号中的至少 {self.min_classes} 类。"


class MinimumLengthValidator:
    """At least `min_length` characters (Django's own message has no Chinese translation)."""

    def __init__(self, min_length: int = 8) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(f"密码太短：至少需要 {self.min_length} 个字符。", code="password_too_short")

    def get_help_text(self) -> str:
        return f"密码至少 {self.min_length} 个字符。"


class NotTheUsernameValidator:
    """The user name (or the person's name) must not appear in the password."""

    def validate(self, password: str, user: Any = None) -> None:
        lowered = password.lower()
        for part in (getattr(user, "username", ""), getattr(user, "full_name", "")):
            if part and len(part) >= 2 and part.lower() in lowered:
                raise ValidationError("密码中不能包含用户名或姓名。", code="password_contains_username")

    def get_help_text(self) -> str:
        return "密码中不能包含用户名或姓名。"


class NotTheDemoPasswordValidator:
    """The published demo password is for the demo only (started with DEBUG=1); anywhere else refused."""

    def validate(self, password: str, user: Any = None) -> None:
        from django.conf import settings

        if not settings.DEMO_PASSWORD_ALLOWED and password == settings.DEMO_PASSWORD:
            raise ValidationError("该密码是公开的演示密码，不能使用。", code="password_is_demo")

    def get_help_text(self) -> str:
        return "不能使用公开的演示密码。"


class HistoryValidator:
    """None of the user's last `count` passwords may be chosen again."""

    def __init__(self, count: int = 5) -> None:
        self.count = count

    def validate(self, password: str, user: Any = None) -> None:
        from django.contrib.auth.hashers import check_password

        if user is None or getattr(user, "pk", None) is None:
            return
        recent = list(user.password_history.values_list("password", flat=True)[: self.count])
        if user.password and user.has_usable_password():
            recent.append(user.password)
        if any(check_password(password, old) for old in recent):
            raise ValidationError(f"不能使用最近 {self.count} 次用过的密码。", code="password_reused")

    def get_help_text(self) -> str:
        return f"不能使用最近 {self.count} 次用过的密码。"
