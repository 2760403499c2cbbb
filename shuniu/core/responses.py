"""Responses shared by every app's views."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse, HttpResponseBase


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
