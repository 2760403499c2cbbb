"""Responses shared by every app's views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect


def named(response: HttpResponseBase, filename: str, *, inline: bool = False) -> HttpResponseBase:
    """Give a download its Chinese file name (RFC 6266 ``filename*``), to open inline or to save.

    Printouts and exports carry the office's business (and petitioners' names): never kept by a
    browser's or a proxy's cache.
    """
    response["Content-Disposition"] = f"{'inline' if inline else 'attachment'}; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "no-store, private"
    return response


def download(content: bytes, filename: str, content_type: str, *, inline: bool = False) -> HttpResponse:
    """A file to save (or, inline, to open in the browser) under a Chinese file name."""
    response = HttpResponse(content, content_type=content_type)
    named(response, filename, inline=inline)
    return response


def acted(request: HttpRequest, act: Callable[[], object], done: str, back: str) -> HttpResponse:
    """Run a service for a page's form: its refusal (in Chinese) or `done` as the page's message, then back."""
    try:
        act()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect(back)


def form_acted(
    request: HttpRequest,
    form: Any,
    act: Callable[[dict[str, Any]], object],
    done: str | Callable[[dict[str, Any]], str],
    back: str,
) -> HttpResponse:
    """A page's small form: its errors, or its service run (`act(cleaned_data)`) as `acted` does, then back."""
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(back)
    data = form.cleaned_data
    return acted(request, lambda: act(data), done(data) if callable(done) else done, back)
