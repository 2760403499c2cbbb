import django.utils.timezone
from django.db import migrations, models

SQLITE = [
    # An external-content FTS5 table over search_entry.terms, kept in step by triggers in the same
    # transaction as every insert, update and delete of an entry.
    "CREATE VIRTUAL TABLE search_entry_fts USING fts5(terms, content='search_entry', content_rowid='id',"
    " tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER search_entry_ai AFTER INSERT ON search_entry BEGIN"
    " INSERT INTO search_entry_fts(rowid, terms) VALUES (new.id, new.terms); END",
    "CREATE TRIGGER search_entry_ad AFTER DELETE ON search_entry BEGIN"
    " INSERT INTO search_entry_fts(search_entry_fts, rowid, terms) VALUES ('delete', old.id, old.terms); END",
    "CREATE TRIGGER search_entry_au AFTER UPDATE OF terms ON search_entry BEGIN"
    " INSERT INTO search_entry_fts(search_entry_fts, rowid, terms) VALUES ('delete', old.id, old.terms);"
    " INSERT INTO search_entry_fts(rowid, terms) VALUES (new.id, new.terms); END",
]
SQLITE_BACK = [
    "DROP TRIGGER IF EXISTS search_entry_au",
    "DROP TRIGGER IF EXISTS search_entry_ad",
    "DROP TRIGGER IF EXISTS search_entry_ai",
    "DROP TABLE IF EXISTS search_entry_fts",
]
POSTGRES = [
    "ALTER TABLE search_entry ADD COLUMN terms_vector tsvector"
    " GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, terms)) STORED",
    "CREATE INDEX search_entry_terms_gin ON search_entry USING gin (terms_vector)",
]
POSTGRES_BACK = ["DROP INDEX IF EXISTS search_entry_terms_gin", "ALTER TABLE search_entry DROP COLUMN terms_vector"]


def forwards(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = {"sqlite": SQLITE_BACK, "postgresql": POSTGRES_BACK}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Entry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=20, verbose_name="类别")),
                ("object_id", models.BigIntegerField()),
                ("title", models.CharField(max_length=300, verbose_name="标题")),
                ("detail", models.CharField(blank=True, max_length=300, verbose_name="摘要")),
                ("terms", models.TextField(editable=False)),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "verbose_name": "检索索引",
                "verbose_name_plural": "检索索引",
                "constraints": [models.UniqueConstraint(fields=("kind", "object_id"), name="search_entry_unique")],
                "indexes": [models.Index(fields=["kind", "id"], name="search_entry_kind_newest")],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
