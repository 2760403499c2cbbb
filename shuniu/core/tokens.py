"""Secrets that stand for a person outside a browser: the REST API's tokens and the wall screen's.

A token is ``sn_`` and 43 random URL-safe characters; only its SHA-256 is stored (a secret of 256
random bits needs no slow hash), with its first characters to tell one from another on the page.
`token_issue` returns the secret once; `token_revoke` ends it at once; `token_user` is the one look-up
the API and the wall display make, and notes when the token was last used (at most once a minute, so
a busy integration does not write on every call).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from shuniu import audit
from shuniu.core.models import AccessToken, TokenScope, User
from shuniu.core.permissions import can
from shuniu.core.text import visible

PREFIX = "sn_"
TOUCH_EVERY = dt.timedelta(minutes=1)
MAX_LIVE = 20  # live tokens per person: more is a sign of tokens pasted around, not of integrations


def digest(secret: str) -> str:
    """The SHA-256 of a secret, as stored (the secret itself never is)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def tokens_of(user: User) -> QuerySet[AccessToken]:
    """The user's tokens, live ones first, newest first."""
    return AccessToken.objects.filter(user=user).order_by(F("revoked_at").desc(nulls_first=True), "-created_at", "-pk")


def scopes_for(user: User) -> list[tuple[str, str]]:
    """The kinds of token `user` may hold: the API's if they use the API, the wall's if they see the board."""
    choices = []
    if can(user, "api.use"):
        choices += [(TokenScope.READ.value, TokenScope.READ.label), (TokenScope.WRITE.value, TokenScope.WRITE.label)]
    if can(user, "board.view"):
        choices.append((TokenScope.WALL.value, TokenScope.WALL.label))
    return choices


@audit.atomic
def token_issue(*, user: User, name: str, scope: str, actor: User) -> tuple[AccessToken, str]:
    """A new token for `user` (who asks for it themself); the secret is returned here and never again."""
    if actor.pk != user.pk:
        raise ValidationError("令牌只能由使用人本人申请。")
    name = visible(name)
    if not name:
        raise ValidationError("请填写令牌的用途，如“市委督查系统对接”。")
    if len(name) > 50:
        raise ValidationError("用途不超过 50 个字。")
    if scope not in dict(scopes_for(user)):
        raise ValidationError("您不能申请这种权限的令牌。")
    User.objects.select_for_update().filter(pk=user.pk).first()  # two requests at once: the second sees the first
    live = AccessToken.objects.filter(user=user, revoked_at__isnull=True)
    if live.filter(name=name).exists():
        raise ValidationError(f"已有用途为“{name}”的有效令牌：请换一个用途名称，或先撤销原来的令牌。")
    if live.count() >= MAX_LIVE:
        raise ValidationError(f"有效令牌已达 {MAX_LIVE} 个，请先撤销不再使用的令牌。")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=user, name=name, scope=scope, prefix=secret[: len(PREFIX) + 6], digest=digest(secret)
    )
    audit.record(actor=actor, action="token.issue", obj=token, data={"scope": scope, "name": name})
    return token, secret


@audit.atomic
def token_revoke(*, token: AccessToken, actor: User) -> AccessToken:
    """End a token at once (its owner, or an administrator); revoking it twice changes nothing more."""
    if actor.pk != token.user_id and not can(actor, "admin.site"):
        raise ValidationError("只能撤销自己的令牌。")
    now = timezone.now()
    if AccessToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now, revoked_by=actor):
        audit.record(actor=actor, action="token.revoke", obj=token, data={"user": token.user_id})
    token.refresh_from_db()
    return token


def token_user(secret: str, scopes: tuple[str, ...], now: dt.datetime | None = None) -> tuple[AccessToken, User] | None:
    """The live token with this secret and one of `scopes`, and its (active) person; None otherwise."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    return _live(Q(digest=digest(secret)), scopes, now)


def token_user_by_id(
    pk: object, scopes: tuple[str, ...], now: dt.datetime | None = None
) -> tuple[AccessToken, User] | None:
    """As `token_user`, for a token already proven once and remembered by its id (the wall's signed cookie)."""
    if not isinstance(pk, str) or not pk.isdigit() or len(pk) > 18:
        return None
    return _live(Q(pk=int(pk)), scopes, now)


def _live(which: Q, scopes: tuple[str, ...], now: dt.datetime | None) -> tuple[AccessToken, User] | None:
    token = (
        AccessToken.objects.select_related("user")
        .filter(which, revoked_at__isnull=True, scope__in=scopes, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOUCH_EVERY)
        AccessToken.objects.filter(stale, pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token, token.user
