"""Printouts: one way to render a template to PDF (WeasyPrint), with one print stylesheet.

Templates extend ``core/print_base.html``, which carries the stylesheet (A4, Noto CJK embedded,
the official look: 仿宋 body, 黑体 headings, tables with thin rules); a landscape page sets
``{% block page %}A4 landscape{% endblock %}``.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

PDF = "application/pdf"


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """The template rendered with `context` (and ``now``) as PDF bytes."""
    from weasyprint import HTML  # loads Pango: only printing needs it

    html = render_to_string(template, {"now": timezone.now(), **context})
    return HTML(string=html).write_pdf() or b""
