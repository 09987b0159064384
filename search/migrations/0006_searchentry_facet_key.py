"""SearchEntry.facet_key: an entry's facet values in one column, filled from SearchFacetValue.

On SQLite the full-text update trigger now fires only when the words change, so filling (or
any later update of) other columns does not rewrite the FTS5 rows.
"""

from django.db import migrations, models

# Kept in step with search.backends.database.facet_key (migrations do not import app code).
PAIR, ITEM = "\x1e", "\x1f"


SQLITE_TRIGGER = """CREATE TRIGGER search_fts_au
    AFTER UPDATE OF title_words, keyword_words, summary_words, body_words ON search_searchentry
    BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_words, keyword_words, summary_words,
                               body_words)
        VALUES ('delete', old.id, old.title_words, old.keyword_words, old.summary_words,
                old.body_words);
        INSERT INTO search_fts(rowid, title_words, keyword_words, summary_words, body_words)
        VALUES (new.id, new.title_words, new.keyword_words, new.summary_words, new.body_words);
    END"""


def narrow_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS search_fts_au")
        schema_editor.execute(SQLITE_TRIGGER)


def fill(apps, schema_editor):
    SearchEntry = apps.get_model("search", "SearchEntry")
    SearchFacetValue = apps.get_model("search", "SearchFacetValue")
    last = 0
    while True:
        ids = list(
            SearchEntry.objects.filter(id__gt=last).order_by("id").values_list("id", flat=True)[
                :5000
            ]
        )
        if not ids:
            return
        last = ids[-1]
        keys: dict[int, list[str]] = {i: [] for i in ids}
        rows = (
            SearchFacetValue.objects.filter(entry_id__gte=ids[0], entry_id__lte=last)
            .order_by("id")
            .values_list("entry_id", "name", "value")
        )
        for entry_id, name, value in rows:
            keys[entry_id].append(f"{name}{PAIR}{value}")
        entries = [SearchEntry(id=i, facet_key=ITEM.join(k)) for i, k in keys.items() if k]
        SearchEntry.objects.bulk_update(entries, ["facet_key"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("search", "0005_outbox_pending_indexes")]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="facet_key",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.RunPython(narrow_trigger, migrations.RunPython.noop),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="searchentry",
            index=models.Index(fields=["id", "facet_key"], name="search_entry_facet_key"),
        ),
    ]
