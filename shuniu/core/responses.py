"""Responses shared by every app's views."""

from __future__ import annotations

from collections.abc import Callable
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
