"""Many new rows at once: COPY on PostgreSQL, bulk_create elsewhere (the embedded SQLite).

For rows the caller does not need back as objects (no primary keys are returned): a regional
question writes one answer per member and subject, 341 × the subjects at national scale, where
building model instances and an INSERT statement cost more than the rows themselves."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection


def insert_rows(model, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert ``rows`` (tuples in the order of ``columns``, the fields' attnames) into ``model``'s table."""
    rows = list(rows)
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**dict(zip(columns, row, strict=True))) for row in rows])
        return
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    fields = [by_attname[name] for name in columns]
    quote = connection.ops.quote_name
    statement = (f"COPY {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
                 "FROM STDIN")
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
