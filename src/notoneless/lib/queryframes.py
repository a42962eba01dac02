"""A query set's rows read straight into a Polars frame: the SQL Django compiles, run on the raw
cursor, without building a model or running a field converter per value. For the hundreds of
thousands of rows a county's figures read (every enrolment of a term); the columns' types come from
the given schema (SQLite's 0/1 become booleans there)."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.db import connections
from django.db.models import QuerySet

__all__ = ["frame_of"]


def frame_of(rows: QuerySet[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """``rows`` (a ``values_list`` query set, its columns in the order of ``schema``) as a frame."""
    sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    return pl.DataFrame(fetched, schema=schema, orient="row", strict=False)
