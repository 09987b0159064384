"""Bulk inserts for imports: COPY on PostgreSQL, multi-row INSERT elsewhere."""

import sqlite3
from collections.abc import Sequence

from django.db import connection
from django.db.models import Field, Model


def _concrete(model: type[Model], name: str) -> Field:
    field = model._meta.get_field(name)
    assert isinstance(field, Field) and field.column, f"{name} is not a concrete column"
    return field


def bulk_insert(
    model: type[Model], fields: Sequence[str], rows: list[tuple], batch_size: int = 2000
) -> None:
    """Insert plain tuples without building model instances.

    The ORM's per-value compilation was most of a million-row import's time. Values go through
    the backend's own adapters, so dates and datetimes are stored exactly as the ORM would store
    them. No signals, no save(): callers announce what they wrote themselves.
    """
    if not rows:
        return
    ops = connection.ops
    model_fields = [_concrete(model, name) for name in fields]
    columns = ", ".join(ops.quote_name(str(f.column)) for f in model_fields)
    table = ops.quote_name(model._meta.db_table)
    if connection.vendor == "postgresql":
        # COPY is PostgreSQL's bulk path; psycopg converts dates and datetimes itself.
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    adapted_columns = [
        (i, ops.adapt_datetimefield_value if kind == "DateTimeField" else ops.adapt_datefield_value)
        for i, kind in enumerate(f.get_internal_type() for f in model_fields)
        if kind in ("DateTimeField", "DateField")
    ]
    cache: dict = {}  # the same dates recur: adapt each once

    def adapt(row: tuple) -> Sequence:
        if not adapted_columns:
            return row
        values = list(row)
        for i, adapter in adapted_columns:
            value = values[i]
            if value is not None:
                result = cache.get(value)
                if result is None:
                    result = cache[value] = adapter(value)
                values[i] = result
        return values

    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # SQLite allows at most 32,766 parameters per statement (999 before 3.32).
    per_statement = max(1, min(batch_size, 30_000 // len(fields)))
    if connection.vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 32):
        per_statement = max(1, 999 // len(fields))
    with connection.cursor() as cursor:
        for offset in range(0, len(rows), per_statement):
            chunk = rows[offset : offset + per_statement]
            params = [value for row in chunk for value in adapt(row)]
            # Table and column names come from the model, values are parameters.
            values_sql = ", ".join([row_sql] * len(chunk))
            sql = f"INSERT INTO {table} ({columns}) VALUES {values_sql}"  # noqa: S608
            cursor.execute(sql, params)
