"""PostgreSQL: a GIN index per kind (a partial index on the kind), instead of one over every entry.

Each kind's statement asked the one index for its kind's token and the words: a word common in one kind
(督办, in every matter) was intersected with every other kind's token too, at 0.6 ms a kind even for a kind
with no entries, and 3.5 ms for the documents. A kind's own index holds only its entries, so a word absent
from the kind is answered at once. A kind added later adds its index in its own migration (a test checks
that every registered kind has one).
"""

from django.db import migrations

KINDS = ("document", "matter", "petition", "notice", "call", "fact", "project", "unit")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for kind in KINDS:
        schema_editor.execute(
            f"CREATE INDEX search_entry_gin_{kind} ON search_entry USING gin (terms_vector) WHERE kind = '{kind}'"
        )
    schema_editor.execute("DROP INDEX IF EXISTS search_entry_terms_gin")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE INDEX search_entry_terms_gin ON search_entry USING gin (terms_vector)")
    for kind in KINDS:
        schema_editor.execute(f"DROP INDEX IF EXISTS search_entry_gin_{kind}")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
