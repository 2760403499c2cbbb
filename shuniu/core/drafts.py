"""Drafts (草稿): a form saved half-filled by its owner and taken up again later.

A page saves what the browser sent (`draft_save`), lists the owner's drafts of that form (`drafts_of`)
and fills the form again from one (`draft_data`); registering the real thing discards it
(`draft_discard`). The data is sealed like personal data; nobody but the owner reads a draft.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, QueryDict
from django.utils import timezone

from shuniu import audit
from shuniu.core.forms import is_number
from shuniu.core.models import Draft, User

KEEP_DAYS = 7
MAX_DRAFTS = 20  # per owner and form
_NOT_KEPT = {"csrfmiddlewaretoken", "save_draft", "draft", "kept", "confirm"}


def drafts_of(owner: User, form: str) -> QuerySet[Draft]:
    """The owner's drafts of `form` younger than KEEP_DAYS, newest first."""
    since = timezone.now() - dt.timedelta(days=KEEP_DAYS)
    return Draft.objects.filter(owner=owner, form=form, saved_at__gte=since).defer("data")


@audit.atomic
def draft_save(*, owner: User, form: str, data: QueryDict, label: str, pk: int | None = None) -> Draft:
    """Save the fields of a form as a draft (a new one, or over the owner's draft `pk`)."""
    fields = {k: v for k, v in data.lists() if k not in _NOT_KEPT and any(x.strip() for x in v)}
    if not fields:
        raise ValidationError("表单还是空的，无需保存草稿。")
    now = timezone.now()
    Draft.objects.filter(owner=owner, saved_at__lt=now - dt.timedelta(days=KEEP_DAYS)).delete()
    text = json.dumps(fields, ensure_ascii=False)
    if len(text) > 50_000:
        raise ValidationError("草稿内容过长，无法保存。")
    draft = Draft.objects.filter(owner=owner, form=form, pk=pk).first() if pk else None
    if draft is None:
        if drafts_of(owner, form).count() >= MAX_DRAFTS:
            raise ValidationError(f"草稿已有 {MAX_DRAFTS} 份，请先完成或删除一些。")
        draft = Draft(owner=owner, form=form)
    draft.label, draft.data, draft.saved_at = label[:100] or "（未命名）", text, now
    draft.save()
    audit.record(actor=owner, action="draft.save", obj=draft, data={"form": form})
    return draft


def draft_data(owner: User, form: str, pk: object) -> dict[str, Any]:
    """The fields of the owner's draft `pk` (404 for anyone else's, or an expired one)."""
    draft = drafts_of(owner, form).defer(None).filter(pk=int(str(pk)) if is_number(str(pk)) else 0).first()
    if draft is None:
        raise Http404
    loaded: dict[str, list[str]] = json.loads(draft.data)
    return {k: v if len(v) > 1 else v[0] for k, v in loaded.items()}


@audit.atomic
def draft_discard(*, owner: User, form: str, pk: object) -> None:
    """Remove the owner's draft `pk` (done with, or not wanted); nothing for anyone else's."""
    if is_number(str(pk)) and Draft.objects.filter(owner=owner, form=form, pk=int(str(pk))).delete()[0]:
        audit.record(actor=owner, action="draft.discard", obj=None, data={"form": form, "draft": int(str(pk))})


def drafts_purge(now: dt.datetime | None = None) -> int:
    """Remove every draft older than KEEP_DAYS (the worker, nightly): sealed or not, nobody's data lingers."""
    deleted, _ = Draft.objects.filter(saved_at__lt=(now or timezone.now()) - dt.timedelta(days=KEEP_DAYS)).delete()
    return deleted
