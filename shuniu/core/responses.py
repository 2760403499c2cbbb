"""Responses shared by every app's views."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse


def download(content: bytes, filename: str, content_type: str, *, inline: bool = False) -> HttpResponse:
    """A file to save (or, inline, to open in the browser) under a Chinese file name."""
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    return response
