"""Writes of the core app: login bookkeeping, users and roles, units and contacts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db.models import F, Sum
from django.http import HttpRequest
from django.utils import timezone

from shuniu import audit
from shuniu.core.models import (
    Clearance,
    Contact,
    LeaderProfile,
    LoginThrottle,
    PasswordHistory,
    RecoveryCode,
    Role,
    RoleGrant,
    SecondFactor,
    Unit,
    User,
    role_combination_errors,
)
from shuniu.core.selectors import second_factor_enabled

GENERIC_LOGIN_ERROR = "用户名或密码错误。"


@dataclass(frozen=True)
class LoginResult:
    """The outcome of a login attempt: the user on success, otherwise a Chinese message saying why not.

    `pending` is a user whose password was right but who must still give the code from their
    authenticator app (`login_second_step`).
    """

    user: User | None
    error: str = ""
    pending: User | None = None


def client_address(request: HttpRequest | None) -> str:
    """Where a request comes from: the socket's address, or behind our own proxy the one it reports.

    `X-Forwarded-For` is believed only with ``SHUNIU_TRUST_PROXY`` set, and then only its last
    entry (the address our proxy saw; anything before it the client could have written).
    """
    if request is None:
        return ""
    if settings.TRUST_PROXY:
        forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()[:45]
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


def login_attempt(*, request: HttpRequest | None, username: str, password: str) -> LoginResult:
    """Check a login; count failures per user name and source address; lock that pair after 5 (30 minutes).

    The lock binds the address the failures came from, so an attacker cannot lock a leader out of
    their own machine; one address failing for many names is refused as a whole
    (``SHUNIU_LOGIN_ADDRESS_LIMIT`` failures within the lock time). Known and unknown names get the
    same messages. Every failure is audited with its address; attempts refused during a lock are
    counted on the lock, not audited one by one. Returns rather than raises, so that the counts
    commit even when the login fails. A user with an authenticator app comes back as `pending`.
    """
    now = timezone.now()
    address = client_address(request)
    username = username[:150]
    with audit.deferred_transaction():
        throttle, _ = LoginThrottle.objects.select_for_update().get_or_create(username=username, address=address)
        account = User.objects.filter(username=username).first()
        refused = _refused_by_throttle(throttle, address, now)
        if refused:
            return refused
        user = authenticate(request, username=username, password=password)
        if user is None:
            return _login_failed(throttle, account, address, now, action="auth.login_failed")
        if not settings.DEMO_PASSWORD_ALLOWED and password == settings.DEMO_PASSWORD:
            # However the service was started: the published demo password opens nothing in production.
            audit.record(actor=None, action="auth.demo_password_refused", obj=user, data={"address": address})
            return LoginResult(None, "该账号仍在使用公开的演示密码，不能登录；请联系系统管理员重置密码。")
        if second_factor_enabled(user):
            return LoginResult(None, pending=user)  # the throttle stays until the code is right too
        return _login_succeeded(user, address, {"address": address})


def login_second_step(*, request: HttpRequest | None, user: User, code: str) -> LoginResult:
    """The second step of a login: a code from the authenticator app, or one of the recovery codes.

    A wrong code counts against the same user name and address as a wrong password (five lock them);
    a code already used, or a used recovery code, is a wrong code.
    """
    now = timezone.now()
    address = client_address(request)
    with audit.deferred_transaction():
        throttle, _ = LoginThrottle.objects.select_for_update().get_or_create(username=user.username, address=address)
        refused = _refused_by_throttle(throttle, address, now)
        if refused:
            return refused
        factor = SecondFactor.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
        if factor is None or not user.is_active:
            return LoginResult(None, "请重新登录。")
        used = _code_accepted(factor, code, now)
        if used is None:
            result = _login_failed(throttle, user, address, now, action="auth.code_failed")
            if result.error.startswith(GENERIC_LOGIN_ERROR):
                return LoginResult(None, result.error.replace(GENERIC_LOGIN_ERROR, "验证码不正确或已使用过。"))
            return result
        return _login_succeeded(user, address, {"address": address, "factor": used})


def guarded_attempt(*, scope: str, address: str, check: Any, now: dt.datetime | None = None) -> tuple[Any, str]:
    """Try a secret that is not a password (a petitioner's enquiry code) under the login throttle.

    `check()` returns what it found, or None when the secret was wrong. Failures count per scope and
    source address; after ``LOGIN_MAX_FAILURES`` the address is refused for ``LOGIN_LOCK_MINUTES``,
    and an address failing too often overall (logins included) is refused as a whole. Returns (found, "")
    or (None, a Chinese message); the counts commit whatever the outcome.
    """
    now = now or timezone.now()
    with audit.deferred_transaction():
        throttle, _ = LoginThrottle.objects.select_for_update().get_or_create(username=scope[:150], address=address)
        refused = _throttle_refusal(throttle, address, now)
        if refused == "locked":
            return None, f"尝试次数过多，请于 {timezone.localtime(throttle.locked_until or now):%H:%M} 后再试。"
        if refused == "address":
            return None, "此地址尝试次数过多，请稍后再试。"
        found = check()
        if found is not None:
            LoginThrottle.objects.filter(pk=throttle.pk).update(failures=0)
            return found, ""
        failures = throttle.failures + 1
        audit.record(actor=None, action="auth.attempt_failed", obj=None, data={"scope": scope, "address": address})
        if failures >= settings.LOGIN_MAX_FAILURES:
            locked_until = now + dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
            LoginThrottle.objects.filter(pk=throttle.pk).update(failures=0, locked_until=locked_until)
            return None, f"连续 {failures} 次输入有误，请 {settings.LOGIN_LOCK_MINUTES} 分钟后再试。"
        LoginThrottle.objects.filter(pk=throttle.pk).update(failures=failures)
        return None, ""


def _throttle_refusal(throttle: LoginThrottle, address: str, now: dt.datetime) -> str:
    """Why this name (or scope) from this address is refused now, or "".

    "locked" (its own failures locked it) or "address" (too many failures from there overall); a refusal
    is counted on the lock.
    """
    refused = ""
    if throttle.locked_until and throttle.locked_until > now:
        refused = "locked"
    else:
        window = now - dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
        from_here = LoginThrottle.objects.filter(address=address, updated_at__gte=window).aggregate(n=Sum("failures"))
        if address and (from_here["n"] or 0) >= settings.LOGIN_ADDRESS_LIMIT:
            refused = "address"
    if refused:
        LoginThrottle.objects.filter(pk=throttle.pk).update(refused=F("refused") + 1)
    return refused


def _refused_by_throttle(throttle: LoginThrottle, address: str, now: dt.datetime) -> LoginResult | None:
    refused = _throttle_refusal(throttle, address, now)
    if refused == "locked":
        until = timezone.localtime(throttle.locked_until or now)
        return LoginResult(None, f"账号因连续登录失败已被锁定，请于 {until:%H:%M} 后再试，或联系系统管理员解锁。")
    if refused == "address":
        return LoginResult(None, "此地址登录失败次数过多，请稍后再试，或联系系统管理员。")
    return None


def _login_failed(
    throttle: LoginThrottle, account: User | None, address: str, now: dt.datetime, *, action: str
) -> LoginResult:
    failures = throttle.failures + 1
    data = {"username": throttle.username, "address": address, "failures": failures}
    if account is not None:
        User.objects.filter(pk=account.pk).update(failed_logins=F("failed_logins") + 1)
    if failures >= settings.LOGIN_MAX_FAILURES:
        locked_until = now + dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
        LoginThrottle.objects.filter(pk=throttle.pk).update(failures=0, locked_until=locked_until, refused=0)
        if account is not None:  # for the administrator's list of locked accounts
            User.objects.filter(pk=account.pk).update(failed_logins=0, locked_until=locked_until)
        audit.record(actor=None, action="auth.locked", obj=account, data=data)
        return LoginResult(None, f"连续 {failures} 次登录失败，账号已锁定 {settings.LOGIN_LOCK_MINUTES} 分钟。")
    LoginThrottle.objects.filter(pk=throttle.pk).update(failures=failures)
    audit.record(actor=None, action=action, obj=account, data=data)
    left = settings.LOGIN_MAX_FAILURES - failures
    return LoginResult(None, f"{GENERIC_LOGIN_ERROR}再失败 {left} 次账号将被锁定。")


def _login_succeeded(user: User, address: str, data: dict[str, Any]) -> LoginResult:
    LoginThrottle.objects.filter(username=user.username).delete()
    User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    audit.record(actor=user, action="auth.login", obj=user, data=data)
    return LoginResult(user)


# --- The second factor (TOTP, RFC 6238) --------------------------------------------------------

RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i to misread


def _normal_code(code: str) -> str:
    """What the user typed, as the code it means: full-width digits, spaces and dashes forgiven."""
    import unicodedata

    return "".join(ch for ch in unicodedata.normalize("NFKC", code).lower() if ch.isalnum())


def _digest(code: str) -> str:
    """HMAC-SHA-256 under SECRET_KEY: a copy of the database alone cannot try codes offline."""
    import hashlib
    import hmac

    return hmac.new(settings.SECRET_KEY.encode(), _normal_code(code).encode(), hashlib.sha256).hexdigest()


def _totp_step(factor: SecondFactor, code: str, now: dt.datetime) -> int | None:
    """The time step whose code this is (the one before and after are accepted too), if not used before."""
    import hmac

    import pyotp

    code = _normal_code(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(factor.secret)
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if step > factor.last_step and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _code_accepted(factor: SecondFactor, code: str, now: dt.datetime) -> str | None:
    """Use up a code: "totp" or "recovery" when it is right, None when not. The factor row is locked."""
    step = _totp_step(factor, code, now)
    if step is not None:
        SecondFactor.objects.filter(pk=factor.pk).update(last_step=step)
        return "totp"
    used = RecoveryCode.objects.filter(user_id=factor.user_id, digest=_digest(code), used_at__isnull=True).update(
        used_at=now
    )
    return "recovery" if used else None


def _recovery_codes_make(user: User) -> list[str]:
    import secrets

    RecoveryCode.objects.filter(user=user).delete()
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(8))
        codes.append(f"{raw[:4]}-{raw[4:]}")
    RecoveryCode.objects.bulk_create([RecoveryCode(user=user, digest=_digest(c)) for c in codes])
    return codes


@audit.atomic
def second_factor_begin(*, user: User, actor: User) -> SecondFactor:
    """Start setting up an authenticator app: a new secret, not asked for at login until confirmed.

    The user's row is locked first (as in `second_factor_confirm`): a second tab cannot replace an app
    being confirmed at the same moment.
    """
    import pyotp

    User.objects.select_for_update().filter(pk=user.pk).first()
    if second_factor_enabled(user):
        raise ValidationError("两步验证已经启用。要换手机，请先停用再重新设置。")
    factor, _ = SecondFactor.objects.update_or_create(
        user=user, defaults={"secret": pyotp.random_base32(), "last_step": 0, "confirmed_at": None}
    )
    audit.record(actor=actor, action="second_factor.begin", obj=user)
    return factor


@audit.atomic
def second_factor_confirm(*, user: User, code: str, actor: User) -> list[str]:
    """Confirm the app with one code from it; returns the recovery codes, shown to the user once."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    factor = SecondFactor.objects.select_for_update().filter(user=user).first()
    if factor is None:
        raise ValidationError("请先开始设置两步验证。")
    if factor.confirmed_at is not None:
        raise ValidationError("两步验证已经启用。")
    now = timezone.now()
    step = _totp_step(factor, code, now)
    if step is None:
        raise ValidationError("验证码不正确：请输入验证器 App 上当前显示的 6 位数字（手机时间须准确）。")
    SecondFactor.objects.filter(pk=factor.pk).update(confirmed_at=now, last_step=step)
    audit.record(actor=actor, action="second_factor.enable", obj=user)
    return _recovery_codes_make(user)


@audit.atomic
def recovery_codes_renew(*, user: User, code: str, actor: User) -> list[str]:
    """New recovery codes (the old ones stop working), on a current code from the app."""
    factor = SecondFactor.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
    if factor is None:
        raise ValidationError("尚未启用两步验证。")
    step = _totp_step(factor, code, timezone.now())
    if step is None:
        raise ValidationError("验证码不正确或已使用过。")
    SecondFactor.objects.filter(pk=factor.pk).update(last_step=step)
    audit.record(actor=actor, action="second_factor.recovery_renew", obj=user)
    return _recovery_codes_make(user)


@audit.atomic
def second_factor_disable(*, user: User, code: str, actor: User) -> None:
    """Turn the second factor off, on a current code — not for a role that must have it."""
    if user.second_factor_required:
        raise ValidationError("您的角色必须使用两步验证，不能停用；换手机请联系系统管理员重置。")
    factor = SecondFactor.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
    if factor is None:
        raise ValidationError("尚未启用两步验证。")
    if _code_accepted(factor, code, timezone.now()) is None:
        raise ValidationError("验证码不正确或已使用过。")
    SecondFactor.objects.filter(pk=factor.pk).delete()
    RecoveryCode.objects.filter(user=user).delete()
    audit.record(actor=actor, action="second_factor.disable", obj=user)


@audit.atomic
def second_factor_reset(*, actor: User, user: User) -> None:
    """The administrator removes a user's app and recovery codes (a lost phone); audited.

    A user whose role requires it sets a new one up at the next login.
    """
    removed = SecondFactor.objects.filter(user=user).delete()[0]
    RecoveryCode.objects.filter(user=user).delete()
    audit.record(actor=actor, action="second_factor.reset", obj=user, data={"had": bool(removed)})


@audit.atomic
def read_recorded(*, actor: User | None, action: str, obj: Any = None, data: dict[str, Any] | None = None) -> None:
    """Record a read that matters in the audit log.

    A classified document opened, a file downloaded, an export, the audit log itself opened, a logout.
    """
    audit.record(actor=actor, action=action, obj=obj, data=data)


@audit.atomic
def user_unlock(*, user: User, actor: User) -> None:
    """Clear a lock-out before it runs out (the admin's action)."""
    User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    LoginThrottle.objects.filter(username=user.username).delete()
    audit.record(actor=actor, action="user.unlock", obj=user)


def _check_roles(roles: Iterable[str], unit: Unit | None) -> set[str]:
    chosen = set(roles)
    errors = role_combination_errors(chosen, has_unit=unit is not None)
    if errors:
        raise ValidationError(errors)
    return chosen


@audit.atomic
def user_set_roles(
    *, user: User, roles: Iterable[str], actor: User | None, expected: Iterable[str] | None = None
) -> None:
    """Replace the user's roles with `roles`, refusing combinations that break 三权分立.

    The user's row is locked, so two changes run one after the other; with `expected` (the roles
    the form showed) a change made by someone else in between is refused instead of overwritten.
    """
    chosen = _check_roles(roles, user.unit)
    User.objects.select_for_update().get(pk=user.pk)
    current = set(RoleGrant.objects.filter(user=user).values_list("role", flat=True))
    if expected is not None and set(expected) != current:
        now = "、".join(Role(r).label for r in sorted(current)) or "无"
        raise ValidationError(f"{user} 的角色刚被他人修改为：{now}。请刷新后再改。")
    if chosen == current:
        return
    RoleGrant.objects.filter(user=user).exclude(role__in=chosen).delete()
    RoleGrant.objects.bulk_create([RoleGrant(user=user, role=role) for role in sorted(chosen - current)])
    # is_staff opens the admin site, which only the system administrator may use.
    User.objects.filter(pk=user.pk).update(is_staff=Role.ADMIN in chosen)
    user.is_staff = Role.ADMIN in chosen
    user.__dict__.pop("roles", None)
    audit.record(
        actor=actor,
        action="user.roles",
        obj=user,
        data={"before": sorted(current), "after": sorted(chosen)},
    )


@audit.atomic
def user_create(
    *,
    username: str,
    full_name: str,
    roles: Iterable[str],
    actor: User | None,
    unit: Unit | None = None,
    clearance: int = Clearance.NONE,
    mobile: str = "",
    password: str | None = None,
    must_change: bool = True,
) -> User:
    """Create a user with roles; without a password the account cannot log in until one is set.

    A password given here was chosen by someone else: the person must change it at first login
    (`must_change`; the demo and the test personas say False).
    """
    chosen = _check_roles(roles, unit)
    if User.objects.filter(username=username).exists():
        raise ValidationError(f"用户名「{username}」已存在。")
    user = User(username=username, full_name=full_name, unit=unit, clearance=clearance, mobile=mobile)
    if password is None:
        user.set_unusable_password()
    else:
        validate_password(password, user)
        user.set_password(password)
        user.must_change_password = must_change
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(actor=actor, action="user.create", obj=user, data={"roles": sorted(chosen)})
    user_set_roles(user=user, roles=chosen, actor=actor)
    return user


USER_PARTICULARS = ("full_name", "unit", "clearance", "mobile")


@audit.atomic
def user_update(*, user: User, actor: User | None, **values: Any) -> list[str]:
    """Change a user's particulars (name, unit, clearance, mobile); each change is audited before → after."""
    unknown = set(values) - set(USER_PARTICULARS)
    if unknown:
        raise ValueError(f"not a user particular: {sorted(unknown)}")
    locked = User.objects.select_for_update().get(pk=user.pk)
    changes = audit.apply_changes(locked, values)
    if not changes:
        return []
    locked.full_clean(exclude=["password"])
    locked.save(update_fields=list(changes))
    audit.record(actor=actor, action="user.update", obj=locked, data={"changes": changes})
    return list(changes)


@audit.atomic
def unit_save(*, name: str, actor: User | None, **values: Any) -> Unit:
    """Create the unit called `name`, or change its particulars; audited with what changed."""
    unit = Unit.objects.select_for_update().filter(name=name).first()
    if unit is None:
        unit = Unit(name=name, **values)
        unit.full_clean()
        unit.save()
        audit.record(actor=actor, action="unit.create", obj=unit, data={"kind": unit.kind})
        return unit
    changes = audit.apply_changes(unit, values)
    if changes:
        unit.full_clean()
        unit.save(update_fields=list(changes))
        audit.record(actor=actor, action="unit.update", obj=unit, data={"changes": changes})
    return unit


@audit.atomic
def contact_save(*, unit: Unit, name: str, actor: User | None, **values: Any) -> Contact:
    """Create a unit's contact called `name`, or change their particulars; audited with what changed."""
    contact = Contact.objects.select_for_update().filter(unit=unit, name=name).first()
    if contact is None:
        contact = Contact.objects.create(unit=unit, name=name, **values)
        audit.record(actor=actor, action="contact.create", obj=contact, data={"unit": unit.name})
        return contact
    changes = audit.apply_changes(contact, values)
    if changes:
        contact.save(update_fields=list(changes))
        audit.record(actor=actor, action="contact.update", obj=contact, data={"changes": changes})
    return contact


@audit.atomic
def user_set_password(*, user: User, password: str, actor: User) -> None:
    """Set a user's password after Django's password validators (and ours) accept it.

    The old hash goes into the history (the last five may not come back). A password someone else
    set must be changed by its owner at their next login.
    """
    validate_password(password, user)
    if user.has_usable_password():
        PasswordHistory.objects.create(user=user, password=user.password)
    user.set_password(password)
    user.must_change_password = actor.pk != user.pk
    user.save(update_fields=["password", "must_change_password"])
    audit.record(actor=actor, action="user.password_set", obj=user, data={"by_owner": actor.pk == user.pk})


@audit.atomic
def user_disable_password(*, user: User, actor: User) -> None:
    """The account can no longer log in with a password (the administrator sets a new one later)."""
    if user.has_usable_password():
        PasswordHistory.objects.create(user=user, password=user.password)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    audit.record(actor=actor, action="user.password_disabled", obj=user)


@audit.atomic
def leader_profile_set(
    *, user: User, rank: int, post: str, responsibilities: str = "", office_location: str = "", actor: User | None
) -> LeaderProfile:
    """Set a leader's rank (排序), post, responsibilities and office; unchanged values write nothing."""
    if not user.has_role(Role.LEADER):
        raise ValidationError("只有具有“领导”角色的用户才能设置领导信息。")
    clash = LeaderProfile.objects.filter(rank=rank).exclude(user=user).first()
    if clash is not None:
        raise ValidationError(f"排序 {rank} 已由 {clash.user} 使用。")
    values = {"rank": rank, "post": post, "responsibilities": responsibilities, "office_location": office_location}
    profile = LeaderProfile.objects.filter(user=user).first()
    if profile is not None and all(getattr(profile, key) == value for key, value in values.items()):
        return profile
    profile, _ = LeaderProfile.objects.update_or_create(user=user, defaults=values)
    audit.record(actor=actor, action="leader_profile.set", obj=profile, data={"rank": rank, "post": post})
    return profile
