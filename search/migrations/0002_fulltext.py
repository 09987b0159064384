"""The database backend's full-text index, kept in step with SearchEntry by the database.

SQLite: an external-content FTS5 table plus triggers. PostgreSQL: a generated tsvector column
('simple' configuration over the pre-segmented words) with a GIN index.
"""

from django.db import migrations

SQLITE_FORWARD = [
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
    """CREATE TRIGGER search_fts_au AFTER UPDATE ON search_searchentry BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_words, keyword_words, summary_words,
                               body_words)
        VALUES ('delete', old.id, old.title_words, old.keyword_words, old.summary_words,
                old.body_words);
        INSERT INTO search_fts(rowid, title_words, keyword_words, summary_words, body_words)
        VALUES (new.id, new.title_words, new.keyword_words, new.summary_words, new.body_words);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_fts_au",
    "DROP TRIGGER IF EXISTS search_fts_ad",
    "DROP TRIGGER IF EXISTS search_fts_ai",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRES_FORWARD = [
    """ALTER TABLE search_searchentry ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', title_words), 'A')
        || setweight(to_tsvector('simple', keyword_words), 'B')
        || setweight(to_tsvector('simple', summary_words), 'C')
        || setweight(to_tsvector('simple', body_words), 'D')
    ) STORED""",
    "CREATE INDEX search_entry_vector_gin ON search_searchentry USING gin (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_entry_vector_gin",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS search_vector",
]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
        for sql in statements:
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
