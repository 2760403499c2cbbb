from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from shuniu.audit.forms import AuditFilterForm
from shuniu.audit.selectors import entries_filtered, object_types
from shuniu.audit.services import verify
from shuniu.core.access import role_required
from shuniu.core.models import Role

PAGE_SIZE = 50


@role_required(Role.AUDITOR)
def entries(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(entries_filtered(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/entries.html",
        {"form": form, "page": page, "object_types": object_types(), "query": query.urlencode()},
    )


@role_required(Role.AUDITOR)
def chain_verify(request: HttpRequest) -> HttpResponse:
    return render(request, "audit/verify.html", {"result": verify()})
