"""Bulk writes for imports: compare a frame with what the table holds, then insert and update in bulk
(PostgreSQL ``COPY``, SQLite ``executemany``), never a query per row. No ORM inside."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import polars as pl
from django.db import connection
from django.db.models import Model
from django.utils import timezone

from notoneless.registry.protection import cipher

BATCH = 50_000


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __iadd__(self, other: Counts) -> Counts:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        return self


_local = threading.local()


class _Writer:
    """SQLite inserts on one background thread, in the order submitted, while the import thread goes on
    preparing the next table (SQLite releases the GIL while it writes). Every other use of the connection
    first waits for the queue to drain (``flush``), so the connection is never used by two threads at once.
    """

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-writer")
        self._pending: list[Future[None]] = []

    def submit(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        raw = connection.connection
        assert raw is not None
        self._pending.append(self._pool.submit(raw.executemany, sql, rows))

    def flush(self) -> None:
        pending, self._pending = self._pending, []
        for future in pending:
            future.result()

    def close(self, *, quietly: bool) -> None:
        try:
            if quietly:
                wait(self._pending)
            else:
                self.flush()
        finally:
            self._pool.shutdown(wait=True)


def flush() -> None:
    """Wait for queued inserts; call before anything else touches the database."""
    writer = getattr(_local, "writer", None)
    if writer is not None:
        writer.flush()


@contextmanager
def bulk_session() -> Iterator[None]:
    """For one import, inside its transaction: on SQLite a large page cache (the 2 MB default thrashes on
    index pages) and the background writer; on leaving, every queued insert has been done (or, when the
    import failed, waited for before the transaction rolls back)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -262144")
    _local.writer = writer = _Writer()
    failed = False
    try:
        yield
    except BaseException:
        failed = True
        raise
    finally:
        _local.writer = None
        _local.next_ids = None
        writer.close(quietly=failed)
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def table(model: type[Model]) -> str:
    return model._meta.db_table


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def read_frame(
    sql: str, params: Sequence[Any] = (), schema: Mapping[str, Any] | None = None
) -> pl.DataFrame:
    """Rows of a query as a frame; with ``schema`` (name → dtype, in the query's column order) the
    types are fixed, else inferred from all rows. On PostgreSQL a typed read goes through ``COPY``
    to CSV, which Polars parses without building a Python object per value (a province's students
    would take gigabytes as tuples)."""
    flush()
    if schema is not None and connection.vendor == "postgresql":
        return _copy_out(sql, params, schema)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    if schema is not None:
        return pl.DataFrame(rows, schema=dict(schema), orient="row")
    return pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None)


def _copy_out(sql: str, params: Sequence[Any], schema: Mapping[str, Any]) -> pl.DataFrame:
    buffer = io.BytesIO()
    connection.ensure_connection()
    with connection.cursor() as cursor:
        statement = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, NULL '\\N')"
        with cursor.cursor.copy(statement, params or None) as copy:
            for block in copy:
                buffer.write(block)
    names = list(schema)
    text = {name: pl.String for name in names}
    if buffer.tell() == 0:
        return pl.DataFrame(schema=dict(schema))
    buffer.seek(0)
    frame = pl.read_csv(
        buffer,
        has_header=False,
        new_columns=names,
        schema=text,
        null_values="\\N",
        empty_string_is_null=False,
    )
    casts = [_from_copy_text(n, dtype) for n, dtype in schema.items()]
    return frame.with_columns(casts)


def _from_copy_text(name: str, dtype: Any) -> pl.Expr:
    """A column of ``COPY``'s CSV text as the schema's type (booleans are ``t``/``f``)."""
    column = pl.col(name)
    if dtype == pl.Boolean:
        return (column == "t").alias(name)
    if dtype == pl.Date:
        return column.str.to_date("%Y-%m-%d")
    return column.cast(dtype)


def existing(
    model: type[Model], columns: Sequence[str], where: tuple[str, pl.Series] | None = None
) -> pl.DataFrame:
    """Columns of a table's rows as a frame. With ``where=(column, values)`` only rows whose column is
    among the values, on PostgreSQL (a province's tables are large and a batch's keys few); SQLite holds
    one county, whose tables are read whole, which is faster there than a long IN list."""
    cols = ", ".join(quote(c) for c in columns)
    sql, params = f"SELECT {cols} FROM {quote(table(model))}", []
    if where is not None and connection.vendor == "postgresql":
        column, values = where
        sql += f" WHERE {quote(column)} = ANY(%s)"
        params = [values.drop_nulls().unique().to_list()]
    frame = read_frame(sql, params)
    if frame.height == 0:
        return pl.DataFrame(
            schema={c: pl.Int64 if c.endswith("id") else pl.String for c in columns}
        )
    return frame


def reserve_ids(model: type[Model], count: int) -> list[int]:
    """Ids for rows about to be inserted, so dependants can point at them before the insert."""
    if count == 0:
        return []
    name = table(model)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [name, count],
            )
            return [row[0] for row in cursor.fetchall()]
    # SQLite: the import runs in a BEGIN IMMEDIATE transaction, which holds the write lock, so the
    # next free id is known once read; it is kept for the session (see ``prime_ids``).
    next_ids: dict[str, int] = getattr(_local, "next_ids", None) or {}
    if name not in next_ids:
        prime_ids(model)
        next_ids = getattr(_local, "next_ids", None) or {name: _next_free_id(name)}
    start = next_ids[name]
    next_ids[name] = start + count
    return list(range(start, start + count))


def prime_ids(*models: type[Model]) -> None:
    """Read the next free id of these tables now, while nothing is queued, so that reserving ids later
    in the import does not have to wait for the background writer (SQLite)."""
    writer = getattr(_local, "writer", None)
    if connection.vendor != "sqlite" or writer is None:
        return
    next_ids = getattr(_local, "next_ids", None)
    if next_ids is None:
        _local.next_ids = next_ids = {}
    for model in models:
        name = table(model)
        if name not in next_ids:
            next_ids[name] = _next_free_id(name)


def _next_free_id(name: str) -> int:
    flush()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {quote(name)}")
        return int(cursor.fetchone()[0]) + 1


def sqlite_values(frame: pl.DataFrame) -> pl.DataFrame:
    """Values as Django stores them in SQLite, converted column-wise (not per value by the driver)."""
    casts = []
    for name, dtype in frame.schema.items():
        if isinstance(dtype, pl.Datetime):
            moment = pl.col(name)
            if dtype.time_zone:
                moment = moment.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
            casts.append(moment.dt.strftime("%Y-%m-%d %H:%M:%S%.6f").alias(name))
        elif dtype == pl.Date:
            casts.append(pl.col(name).dt.strftime("%Y-%m-%d"))
        elif dtype == pl.Boolean:
            casts.append(pl.col(name).cast(pl.Int8))
    return frame.with_columns(casts) if casts else frame


def copy_into(cursor: Any, target: str, frame: pl.DataFrame) -> None:
    """PostgreSQL ``COPY`` from CSV written by Polars (NULL as \\N, so empty strings stay empty)."""
    cols = ", ".join(quote(c) for c in frame.columns)
    sql = f"COPY {target} ({cols}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
    with cursor.cursor.copy(sql) as copy:
        for chunk in frame.iter_slices(BATCH):
            copy.write(chunk.write_csv(include_header=False, null_value="\\N").encode())


def raw_executemany(sql: str, frame: pl.DataFrame) -> None:
    """SQLite: the driver's own executemany on plain tuples, skipping Django's per-call conversions."""
    flush()
    raw = connection.connection
    assert raw is not None
    for chunk in sqlite_values(frame).iter_slices(BATCH):
        raw.executemany(sql, chunk.iter_rows())


def raw_insert(name: str, frame: pl.DataFrame) -> None:
    cols = ", ".join(quote(c) for c in frame.columns)
    marks = ", ".join(["?"] * frame.width)
    sql = f"INSERT INTO {name} ({cols}) VALUES ({marks})"
    writer = getattr(_local, "writer", None)
    if writer is None:
        raw_executemany(sql, frame)
    else:
        writer.submit(sql, sqlite_values(frame).rows())


def insert(model: type[Model], frame: pl.DataFrame) -> int:
    if frame.height == 0:
        return 0
    name = quote(table(model))
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            copy_into(cursor, name, frame)
    else:
        raw_insert(name, frame)
    return frame.height


def update(model: type[Model], frame: pl.DataFrame, key: str = "id") -> int:
    """Set every other column of ``frame`` on the rows whose ``key`` matches."""
    if frame.height == 0:
        return 0
    flush()
    name = quote(table(model))
    others = [c for c in frame.columns if c != key]
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            temp = quote(f"_upd_{table(model)}")
            cols = ", ".join(quote(c) for c in frame.columns)
            cursor.execute(
                f"CREATE TEMP TABLE {temp} ON COMMIT DROP AS SELECT {cols} FROM {name} WITH NO DATA"
            )
            copy_into(cursor, temp, frame)
            sets = ", ".join(f"{quote(c)} = t.{quote(c)}" for c in others)
            cursor.execute(
                f"UPDATE {name} SET {sets} FROM {temp} t WHERE {name}.{quote(key)} = t.{quote(key)}"
            )
            cursor.execute(f"DROP TABLE {temp}")
    else:
        sets = ", ".join(f"{quote(c)} = ?" for c in others)
        raw_executemany(
            f"UPDATE {name} SET {sets} WHERE {quote(key)} = ?", frame.select(*others, key)
        )
    return frame.height


def with_defaults(model: type[Model], frame: pl.DataFrame) -> pl.DataFrame:
    """Columns the frame leaves out get the model field's default (or null), as the ORM would."""
    missing = []
    for f in model._meta.concrete_fields:
        if (
            f.column in frame.columns
            or f.column == "id"
            or f.column in ("created_at", "updated_at")
        ):
            continue
        if f.has_default():
            missing.append(pl.lit(f.get_default()).alias(str(f.column)))
        elif f.null:
            missing.append(pl.lit(None).alias(str(f.column)))
    return frame.with_columns(missing) if missing else frame


def encrypt_columns(frame: pl.DataFrame, fields: Sequence[str]) -> pl.DataFrame:
    """``<f>_plain`` columns become ``<f>_enc`` encrypted tokens (blank stays blank)."""
    for f in fields:
        plain = frame[f"{f}_plain"].fill_null("").to_list()
        frame = frame.with_columns(
            pl.Series(f"{f}_enc", cipher().encrypt_many(plain), dtype=pl.String)
        )
    return frame.drop([f"{f}_plain" for f in fields])


def hash_column(values: pl.Series) -> pl.Series:
    return pl.Series(
        values.name, cipher().lookup_hashes(values.fill_null("").to_list()), dtype=pl.String
    )


def db_datetime(moment: datetime) -> datetime:
    """SQLite stores naive UTC (as Django does); PostgreSQL takes the aware value."""
    if connection.vendor == "sqlite":
        return moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def timestamps(model: type[Model], frame: pl.DataFrame, *, new: bool) -> pl.DataFrame:
    now = db_datetime(timezone.now())
    names = {f.column for f in model._meta.concrete_fields}
    if "updated_at" in names:
        frame = frame.with_columns(pl.lit(now).alias("updated_at"))
    if new and "created_at" in names:
        frame = frame.with_columns(pl.lit(now).alias("created_at"))
    return frame


def upsert(
    model: type[Model],
    frame: pl.DataFrame,
    *,
    keys: Sequence[str],
    encrypted: Sequence[str] = (),
    new_only: bool = False,
) -> tuple[Counts, pl.DataFrame]:
    """Insert rows whose ``keys`` are new, update rows that differ, leave equal rows alone.

    ``frame`` holds the key columns, the value columns named as the table's columns, and for each field
    in ``encrypted`` a ``<f>_plain`` column (compared through its ``<f>_hash``, encrypted only if written).
    Returns the counts and a frame of the keys with their row ids and whether the row was written.
    ``new_only`` says the caller knows no row exists yet (ids just reserved): nothing is read to compare.
    """
    if frame.height == 0:
        empty = pl.DataFrame(
            schema={**{k: frame.schema[k] for k in keys}, "id": pl.Int64, "written": pl.Boolean}
        )
        return Counts(), empty
    plain_cols = [f"{f}_plain" for f in encrypted]
    compare = [c for c in frame.columns if c not in plain_cols and c not in keys and c != "id"]
    columns = list(dict.fromkeys(["id", *keys, *compare]))
    if new_only:
        have = pl.DataFrame(schema={c: frame.schema.get(c, pl.Int64) for c in columns})
    else:
        have = existing(model, columns, where=(keys[0], frame[keys[0]]))
    have = _align(have, frame, [*keys, *compare])
    preassigned = "id" in keys
    if preassigned:
        have = have.with_columns(pl.col("id").alias("_found"))
    joined = frame.join(have, on=list(keys), how="left", suffix="__old", nulls_equal=True)
    is_new = joined["_found" if preassigned else "id"].is_null()
    # every column a key (honours, say): a row found is a row unchanged
    differs = (
        joined.select(
            pl.any_horizontal([~pl.col(c).eq_missing(pl.col(f"{c}__old")) for c in compare])
        ).to_series()
        if compare
        else pl.Series("differs", [False] * joined.height, dtype=pl.Boolean)
    )
    new_rows = joined.filter(is_new).select(frame.columns)
    changed = joined.filter(~is_new & differs).select(list(dict.fromkeys(["id", *frame.columns])))
    counts = Counts(
        created=new_rows.height,
        updated=changed.height,
        unchanged=joined.height - new_rows.height - changed.height,
    )

    if not preassigned:
        new_ids = reserve_ids(model, new_rows.height)
        new_rows = new_rows.with_columns(pl.Series("id", new_ids, dtype=pl.Int64))
    insert(
        model,
        with_defaults(model, timestamps(model, encrypt_columns(new_rows, encrypted), new=True)),
    )
    update(model, timestamps(model, encrypt_columns(changed, encrypted), new=False))
    id_cols = list(dict.fromkeys([*keys, "id"]))
    kept = (
        joined.filter(~is_new)
        .select(*id_cols)
        .with_columns(differs.filter(~is_new).alias("written"))
    )
    fresh = new_rows.select(*id_cols).with_columns(pl.lit(True).alias("written"))
    ids = pl.concat([kept, fresh], how="vertical_relaxed")
    return counts, ids


def _align(have: pl.DataFrame, frame: pl.DataFrame, columns: Sequence[str]) -> pl.DataFrame:
    """Cast what the database returned to the frame's types so that equal values compare equal."""
    casts = []
    for c in columns:
        target = frame.schema[c]
        if have.schema.get(c) != target:
            casts.append(pl.col(c).cast(target, strict=False))
    return have.with_columns(casts) if casts else have
