"""Confirm before saving: a service says "these look like the same thing — confirm", one way everywhere.

The service raises `NeedsConfirmation` with what it found (a document with the same source number,
a clashing engagement, a repeat petitioner); the form has a ``confirm`` field (a `ConfirmField`,
hidden until needed); the view calls `ask(form, exc)`; the page includes ``core/_confirm.html``,
which lists the matches above the form and says what to tick.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError

# The same record saved again this soon by the same person is a second click: services refuse it.
REPEAT_WINDOW = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class Match:
    """One existing thing that looks like the one being saved."""

    label: str
    detail: str = ""
    url: str = ""


class NeedsConfirmation(ValidationError):
    """Saving needs an explicit confirmation: `heading` names what was found, `matches` lists it."""

    def __init__(self, heading: str, matches: Sequence[Match], *, confirm_label: str) -> None:
        self.heading = heading
        self.matches = list(matches)
        self.confirm_label = confirm_label
        listed = "；".join(f"{m.label} {m.detail}".strip() for m in self.matches)
        super().__init__(f"{heading}{listed}。确认无误请勾选“{confirm_label}”后再保存。")


class ConfirmField(forms.BooleanField):
    """The form's ``confirm`` field: hidden until the service has asked, then a checkbox."""

    def __init__(self, label: str) -> None:
        super().__init__(label=label, required=False, widget=forms.HiddenInput)


def ask(form: forms.Form, exc: NeedsConfirmation) -> dict[str, object]:
    """Show the form's confirm checkbox; returns the context ``core/_confirm.html`` reads."""
    field = form.fields["confirm"]
    field.widget = forms.CheckboxInput(attrs={"class": "form-check-input"})
    field.label = exc.confirm_label
    return {"confirmation": exc}
