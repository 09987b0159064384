"""SearchEntry.char_words: the distinct Han characters of an entry, a fifth full-text column.

A one-character query (稻, 泵) finds nothing among jieba's words, which keep 水稻 and 稻田
whole; the characters let it match every entry that writes the character, and the ranking then
prefers entries where it stands as a word of its own. The entries are filled by the next
`search_index rebuild` (the analyser revision changed with this column, so every entry is
stale until then).
"""

from django.db import migrations, models

COLUMNS = "title_words, keyword_words, summary_words, body_words, char_words"
NEW = "new.title_words, new.keyword_words, new.summary_words, new.body_words, new.char_words"
OLD = "old.title_words, old.keyword_words, old.summary_words, old.body_words, old.char_words"

SQLITE_FORWARD = [
    "DROP TRIGGER IF EXISTS search_fts_au",
    "DROP TRIGGER IF EXISTS search_fts_ad",
    "DROP TRIGGER IF EXISTS search_fts_ai",
    "DROP TABLE IF EXISTS search_fts",
    f"""CREATE VIRTUAL TABLE search_fts USING fts5(
        {COLUMNS}, content='search_searchentry', content_rowid='id', tokenize='unicode61'
    )""",
    f"""CREATE TRIGGER search_fts_ai AFTER INSERT ON search_searchentry BEGIN
        INSERT INTO search_fts(rowid, {COLUMNS}) VALUES (new.id, {NEW});
    END""",
    f"""CREATE TRIGGER search_fts_ad AFTER DELETE ON search_searchentry BEGIN
        INSERT INTO search_fts(search_fts, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD});
    END""",
    f"""CREATE TRIGGER search_fts_au AFTER UPDATE OF {COLUMNS} ON search_searchentry BEGIN
        INSERT INTO search_fts(search_fts, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD});
        INSERT INTO search_fts(rowid, {COLUMNS}) VALUES (new.id, {NEW});
    END""",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_fts_au",
    "DROP TRIGGER IF EXISTS search_fts_ad",
    "DROP TRIGGER IF EXISTS search_fts_ai",
    "DROP TABLE IF EXISTS search_fts",
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        title_words, keyword_words, summary_words, body_words,
        content='search_searchentry', content_rowid='id', tokenize='unicode61'
    )""",
    """CREATE TRIGGER search_fts_ai AFTER INSERT ON search_searchentry BEGIN
        INSERT INTO search_fts(rowid, title_words, keyword_words, summary_words, body_words)
        VALUES (new.id, new.title_words, new.keyword_words, new.summary_words, new.body_words);
    END""",
    """CREATE TRIGGER search_fts_ad AFTER DELETE ON search_searchentry BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_words, keyword_words, summary_words,
                               body_words)
        VALUES ('delete', old.id, old.title_words, old.keyword_words, old.summary_words,
                old.body_words);
    END""",
    """CREATE TRIGGER search_fts_au
    AFTER UPDATE OF title_words, keyword_words, summary_words, body_words ON search_searchentry
    BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_words, keyword_words, summary_words,
                               body_words)
        VALUES ('delete', old.id, old.title_words, old.keyword_words, old.summary_words,
                old.body_words);
        INSERT INTO search_fts(rowid, title_words, keyword_words, summary_words, body_words)
        VALUES (new.id, new.title_words, new.keyword_words, new.summary_words, new.body_words);
    END""",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]


def _vector(with_chars: bool) -> list[str]:
    chars = " || setweight(to_tsvector('simple', char_words), 'D')" if with_chars else ""
    return [
        "DROP INDEX IF EXISTS search_entry_vector_gin",
        "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS search_vector",
        f"""ALTER TABLE search_searchentry ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('simple', title_words), 'A')
            || setweight(to_tsvector('simple', keyword_words), 'B')
            || setweight(to_tsvector('simple', summary_words), 'C')
            || setweight(to_tsvector('simple', body_words), 'D'){chars}
        ) STORED""",
        "CREATE INDEX search_entry_vector_gin ON search_searchentry USING gin (search_vector)",
    ]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("search", "0006_searchentry_facet_key")]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="char_words",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.RunPython(
            run({"sqlite": SQLITE_FORWARD, "postgresql": _vector(True)}),
            run({"sqlite": SQLITE_BACKWARD, "postgresql": _vector(False)}),
        ),
    ]
