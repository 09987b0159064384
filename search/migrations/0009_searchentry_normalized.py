"""SearchEntry.normalized: the normalised text of each field the re-ranking reads.

The database backend re-ranks its best 120 candidates in Python; normalising their bodies
(OpenCC, NFKC) on every query was a third of a search's time. New entries store it when they
are written; this fills the existing ones (about 2,000 entries a second; `search_index rebuild`
refills them too). Nullable, so SQLite adds the column in place and keeps its full-text
triggers; the update trigger fires only on the word columns, so the fill does not touch FTS5.
"""

import re
import unicodedata

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
    converter = opencc.OpenCC("t2s")
    last = 0
    while True:
        rows = list(
            SearchEntry.objects.filter(id__gt=last, normalized__isnull=True)
            .order_by("id")
            .values_list("id", "title", "keywords", "summary", "body")[:1000]
        )
        if not rows:
            return
        last = rows[-1][0]
        SearchEntry.objects.bulk_update(
            [
                SearchEntry(
                    id=entry_id,
                    normalized={
                        "title": _normalize(title, converter),
                        "keywords": " ".join(_normalize(k, converter) for k in keywords or []),
                        "summary": _normalize(summary, converter),
                        "body": _normalize(body, converter),
                    },
                )
                for entry_id, title, keywords, summary, body in rows
            ],
            ["normalized"],
            batch_size=500,
        )


class Migration(migrations.Migration):
    dependencies = [("search", "0008_abbreviations")]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="normalized",
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
