"""Bare baselines the timing benches compare with, timed in the same run on the same data: what
the same rows cost without the product's policy, processing log, history or templates. The
figures are printed as ``<metric>_ratio_vs_bare`` (full / bare), because a ratio carries from one
machine to another where a latency does not (issue 17)."""

from __future__ import annotations

import time


def cascade_delete_statements(model, where: str, path: tuple = ()) -> list[str]:
    """DELETE statements, children first, that remove the rows of ``model`` matching ``where`` (SQL on
    its table) and every row that points at them, at any depth: a plain cascading DELETE."""
    from django.db import connection

    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    statements = []
    for rel in model._meta.related_objects:
        if rel.many_to_many:
            through = rel.through
            column = next(f.column for f in through._meta.fields
                          if getattr(f, "related_model", None) is model and f.is_relation)
            statements.append(f"DELETE FROM {quote(through._meta.db_table)} WHERE {quote(column)} IN "
                              f"(SELECT {pk} FROM {table} WHERE {where})")
            continue
        child = rel.related_model
        if child in path or child is model:
            continue
        child_where = f"{quote(rel.field.column)} IN (SELECT {pk} FROM {table} WHERE {where})"
        statements += cascade_delete_statements(child, child_where, (*path, model))
    statements.append(f"DELETE FROM {table} WHERE {where}")
    return statements


class _RollBack(Exception):
    pass


def time_cascade_delete(model, where: str) -> tuple[float, int]:
    """Seconds for the plain cascading DELETE, foreign keys checked at once, then rolled back (the
    data stays for the real run). Returns (seconds, rows deleted)."""
    from django.db import connection, transaction

    statements = cascade_delete_statements(model, where)
    rows = 0
    started = time.perf_counter()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for sql in statements:
                cursor.execute(sql)
                rows += max(cursor.rowcount, 0)
            seconds = time.perf_counter() - started
            raise _RollBack
    except _RollBack:
        pass
    return seconds, rows


def duckdb_rewrite_seconds(directory, target) -> tuple[float, int]:
    """DuckDB reading every Parquet file under ``directory`` and writing the same rows again as
    Parquet under ``target``: the floor for a job whose output is those files."""
    from pathlib import Path

    import duckdb

    directory, target = Path(directory), Path(target)
    target.mkdir(parents=True, exist_ok=True)
    files = sorted(directory.rglob("*.parquet"))
    con = duckdb.connect()
    rows = 0
    started = time.perf_counter()
    try:
        con.execute("SET threads = 2")
        for n, path in enumerate(files):
            out = target / f"{n:04d}-{path.name}"
            con.execute(f"COPY (SELECT * FROM read_parquet('{path}')) TO '{out}' (FORMAT parquet)")
            rows += con.execute(f"SELECT count(*) FROM read_parquet('{out}')").fetchone()[0]
    finally:
        con.close()
    return time.perf_counter() - started, rows
