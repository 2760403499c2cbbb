"""Reads of the core app, always narrowed to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from shuniu.core.models import (
    Contact,
    Delivery,
    DeliveryState,
    LeaderProfile,
    NotificationChoice,
    Role,
    Unit,
    UnitKind,
    User,
)

# Everybody but the auditor and the system administrator works with the directory.
_DIRECTORY_ROLES = tuple(set(Role.values) - {Role.LIAISON, Role.AUDITOR, Role.ADMIN})


def units_visible_to(user: User) -> QuerySet[Unit]:
    """Office staff and leaders see the whole directory; a liaison their own unit; the admin all."""
    if user.has_role(*_DIRECTORY_ROLES, Role.ADMIN):
        return Unit.objects.all()
    if user.has_role(Role.LIAISON) and user.unit_id:
        return Unit.objects.filter(pk=user.unit_id)
    return Unit.objects.none()


def directory_for(user: User, *, kind: str = "", query: str = "") -> QuerySet[Unit]:
    """Active units with their contacts, for the directory page (two queries whatever the size)."""
    units = units_visible_to(user).filter(is_active=True)
    if kind in UnitKind.values:
        units = units.filter(kind=kind)
    if query:
        units = units.filter(
            Q(name__icontains=query)
            | Q(short_name__icontains=query)
            | Q(contacts__name__icontains=query)
            | Q(contacts__title__icontains=query)
        ).distinct()
    return units.prefetch_related(Prefetch("contacts", queryset=Contact.objects.order_by("sort_order", "name")))


def leaders() -> QuerySet[LeaderProfile]:
    """County leaders in protocol order."""
    return LeaderProfile.objects.select_related("user").filter(user__is_active=True).order_by("rank")


def liaisons_of(unit_ids: set[int]) -> dict[int, list[User]]:
    """The active liaisons of each unit (those a unit's work is addressed to: a supervised matter, a petition)."""
    found: dict[int, list[User]] = {}
    for user in User.objects.filter(unit_id__in=unit_ids, is_active=True, role_grants__role=Role.LIAISON).distinct():
        found.setdefault(int(user.unit_id or 0), []).append(user)
    return found


def users_with_role(role: str) -> QuerySet[User]:
    """Active users holding `role` (who gets a step's inbox item, e.g. every director for 待审批)."""
    return User.objects.filter(is_active=True, role_grants__role=role).distinct()


def login_pending_user(pending: dict[str, Any], *, now: float, within: float) -> User | None:
    """The active user whose password was right `within` seconds before `now` and who owes the code."""
    try:
        at, pk = float(pending.get("at", 0)), int(pending.get("user", 0))
    except (TypeError, ValueError):
        return None
    if now - at > within:
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


def second_factor_enabled(user: User) -> bool:
    """Whether the user has a confirmed authenticator app (asked for at every login)."""
    from shuniu.core.models import SecondFactor

    return SecondFactor.objects.filter(user_id=user.pk, confirmed_at__isnull=False).exists()


def second_factor_state(user: User) -> dict[str, Any]:
    """What the second-factor page shows: enabled or not, the QR code while setting up, unused recovery codes.

    The QR code (an otpauth:// address holding the secret) is drawn here as an SVG data address:
    nothing leaves the server.
    """
    import pyotp
    import segno

    from shuniu.core.models import RecoveryCode, SecondFactor

    factor = SecondFactor.objects.filter(user=user).first()
    state: dict[str, Any] = {"factor": factor, "required": user.second_factor_required}
    if factor is None:
        return state
    if factor.confirmed_at is None:
        uri = pyotp.TOTP(factor.secret).provisioning_uri(name=user.username, issuer_name="枢纽")
        state["qr"] = segno.make(uri, error="m").svg_data_uri(scale=5, border=2)
        state["secret_groups"] = " ".join(factor.secret[i : i + 4] for i in range(0, len(factor.secret), 4))
    else:
        state["codes_left"] = RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
    return state


def notification_choices(user: User) -> dict[str, list[str]]:
    """The user's channels per kind of event, as the form shows them (each kind's defaults where not chosen)."""
    from shuniu.core.delivery import KINDS

    chosen = {c.kind: c for c in NotificationChoice.objects.filter(user=user)}
    initial: dict[str, Any] = {"quiet_start": user.quiet_start, "quiet_end": user.quiet_end}
    for key, kind in KINDS.items():
        if not kind.concerns(user):
            continue
        choice = chosen.get(key)
        email, sms = (choice.email, choice.sms) if choice else (kind.email, kind.sms)
        initial[key] = [name for name, on in (("email", email), ("sms", sms)) if on]
    return initial


def deliveries_in_trouble() -> QuerySet[Delivery]:
    """Deliveries given up on, or failed at least once and waiting to be tried again; the latest first."""
    return (
        Delivery.objects.filter(Q(state=DeliveryState.FAILED) | Q(state=DeliveryState.PENDING, attempts__gt=0))
        .select_related("notification__recipient")
        .order_by("-due_at", "-pk")
    )
