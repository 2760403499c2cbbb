"""Every entry's whole numbers as tokens of their own (`search.terms.numbers`), read from its stored pieces.

An entry indexed before them gets the same tokens a record indexed now gets, so a query that asks for a
number's token (第99999项 → num99999) finds the old entries as before; running it again changes nothing.
The index text's format is copied here as it was (a test checks it against `search.terms` as it is), so
this migration does the same whatever that module becomes.
"""

import re

from django.db import migrations

BATCH = 2000
FIELD_BREAK = "brk0"
SINGLES = "one0"
NUMBER = "num"
DIGITS = re.compile(r"[0-9]+")


def numbers(indexed):
    fields = [""]
    for piece in indexed:
        if piece == FIELD_BREAK:
            fields.append("")
        else:
            fields[-1] = fields[-1] + piece[-1] if fields[-1] else piece
    runs = dict.fromkeys(run for field in fields for run in DIGITS.findall(field))
    return [NUMBER + run for run in runs]


def _with_numbers(text: str) -> str:
    tokens = text.split(" ")
    if SINGLES not in tokens:
        return text
    end = tokens.index(SINGLES)
    if any(len(token) > 1 for token in tokens[end + 1 :]):  # the singles are one character each: done already
        return text
    pieces = [token for token in tokens[:end] if len(token) <= 2 or token == FIELD_BREAK]
    return " ".join([*tokens, *numbers(pieces)])


def _without_numbers(text: str) -> str:
    return " ".join(
        token for token in text.split(" ") if not (token.startswith(NUMBER) and token[len(NUMBER) :].isdigit())
    )


def _rewrite(apps, change):
    Entry = apps.get_model("search", "Entry")
    last = 0
    while True:
        rows = list(Entry.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "terms")[:BATCH])
        if not rows:
            return
        changed = [Entry(pk=pk, terms=new) for pk, text in rows if (new := change(text)) != text]
        Entry.objects.bulk_update(changed, ["terms"], batch_size=500)
        last = rows[-1][0]


def _merge(schema_editor):
    """SQLite: every entry rewritten leaves the FTS5 index in many segments (a phrase at a million entries
    read in 8.5 ms instead of 2.4); merge them into one (5 s at that size)."""
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("INSERT INTO search_entry_fts(search_entry_fts) VALUES ('optimize')")


def forwards(apps, schema_editor):
    _rewrite(apps, _with_numbers)
    _merge(schema_editor)


def backwards(apps, schema_editor):
    _rewrite(apps, _without_numbers)
    _merge(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_gin_per_kind")]

    operations = [migrations.RunPython(forwards, backwards)]
