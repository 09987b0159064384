"""SearchEntryText: the normalised text of each entry field the re-ranking reads.

The database backend re-ranks its best 120 candidates in Python; normalising their bodies
(OpenCC, NFKC) on every query was a large part of a search's time. New entries get their row
when they are written; this fills it for the existing ones (a few thousand entries a second;
`search_index rebuild` writes them too). A table of its own keeps SearchEntry as narrow as its
scans need, and leaves SQLite's full-text triggers alone.
"""

import re
import unicodedata

import django.db.models.deletion
import opencc
from django.db import migrations, models

_SPACES = re.compile(r"\s+")


# Kept in step with search.analysis.normalize (migrations do not import app code).
def _normalize(text: str, converter) -> str:
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = converter.convert(text)
    return _SPACES.sub(" ", text.lower()).strip()


def fill(apps, schema_editor):
    SearchEntry = apps.get_model("search", "SearchEntry")
    SearchEntryText = apps.get_model("search", "SearchEntryText")
    converter = opencc.OpenCC("t2s")
    last = 0
    while True:
        rows = list(
            SearchEntry.objects.filter(id__gt=last)
            .order_by("id")
            .values_list("id", "title", "keywords", "summary", "body")[:1000]
        )
        if not rows:
            return
        last = rows[-1][0]
        SearchEntryText.objects.bulk_create(
            [
                SearchEntryText(
                    entry_id=entry_id,
                    fields={
                        "title": _normalize(title, converter),
                        "keywords": " ".join(_normalize(k, converter) for k in keywords or []),
                        "summary": _normalize(summary, converter),
                        "body": _normalize(body, converter),
                    },
                )
                for entry_id, title, keywords, summary, body in rows
            ],
            batch_size=500,
            ignore_conflicts=True,
        )


class Migration(migrations.Migration):
    dependencies = [("search", "0008_abbreviations")]

    operations = [
        migrations.CreateModel(
            name="SearchEntryText",
            fields=[
                (
                    "entry",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="rank_text",
                        serialize=False,
                        to="search.searchentry",
                    ),
                ),
                ("fields", models.JSONField()),
            ],
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
