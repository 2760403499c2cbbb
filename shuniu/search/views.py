"""/search/: one box over every module; results grouped by kind, each a link to its record."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from shuniu.core.access import current_user
from shuniu.core.forms import is_number
from shuniu.search import selectors
from shuniu.search.registry import KINDS


@login_required
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    only = request.GET.get("kind", "")
    before_text = request.GET.get("before", "")
    before = int(before_text) if is_number(before_text) else None
    context: dict[str, object] = {"query": query, "only": KINDS.get(only), "groups": [], "error": ""}
    if query or only:
        try:
            context["groups"] = selectors.search(current_user(request), query, only=only, before=before)
        except selectors.QueryError as error:
            context["error"] = str(error)
    return render(request, "search/results.html", context, status=400 if context["error"] and only else 200)
