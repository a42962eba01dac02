"""Resolving township and village names (or codes) written in a file against the division table."""

from __future__ import annotations

import polars as pl

from notoneless.lib.names import to_simplified
from notoneless.registry.imports import db
from notoneless.registry.imports.context import ImportContext
from notoneless.registry.imports.issues import ERROR, WARNING
from notoneless.registry.models import Division


def divisions() -> pl.DataFrame:
    """The division table, names in simplified characters (as ``simplified`` makes a file's)."""
    frame = db.existing(Division, ["id", "code", "name", "level", "parent_id"])
    return frame.with_columns(
        pl.col("id").cast(pl.Int64), pl.col("parent_id").cast(pl.Int64), simplified(frame["name"])
    )


def simplified(names: pl.Series) -> pl.Series:
    """Place names in simplified characters, so 魚河村 in a file finds 鱼河村 (nulls stay null)."""
    distinct = names.drop_nulls().unique().to_list()
    table = dict(zip(distinct, to_simplified(distinct), strict=True))
    return names.replace_strict(table, default=None, return_dtype=pl.String).alias(names.name)


def resolve_townships(
    frame: pl.DataFrame, ctx: ImportContext, *, required: bool, column: str = "township"
) -> pl.DataFrame:
    towns = divisions().filter(pl.col("level") == "township")
    by_name = towns.select(pl.col("name").alias(column), pl.col("id").alias("township_id"))
    by_code = towns.select(pl.col("code").alias(column), pl.col("id").alias("_tid_code"))
    written = frame[column]
    frame = frame.with_columns(simplified(written))
    frame = frame.join(by_name.unique(column, keep="first"), on=column, how="left")
    frame = frame.join(by_code, on=column, how="left")
    frame = frame.with_columns(pl.coalesce("township_id", "_tid_code").alias("township_id")).drop(
        "_tid_code"
    )
    frame = frame.with_columns(written)
    missing = pl.col(column).is_not_null() & pl.col("township_id").is_null()
    ctx.log.add(
        frame,
        missing,
        ctx.title(column),
        pl.col(column),
        "乡镇不在区划表中（请先导入区划）",
        "township is not in the division table (import divisions first)",
        severity=ERROR if required else WARNING,
    )
    return frame


def resolve_villages(
    frame: pl.DataFrame,
    ctx: ImportContext,
    *,
    village: str = "village",
    township: str = "township",
    out: str = "village_id",
    required: bool = False,
) -> pl.DataFrame:
    """A village by name within its township when the township is given, else by a name unique in the
    county, or by its 12-digit code. Unresolved villages are warnings unless ``required``."""
    table = divisions()
    towns = table.filter(pl.col("level") == "township").select(
        pl.col("id").alias("parent_id"), pl.col("name").alias("_town")
    )
    villages = table.filter(pl.col("level") == "village").join(towns, on="parent_id", how="left")
    by_pair = villages.select(
        pl.col("_town"), pl.col("name").alias("_vname"), pl.col("id").alias("_v1")
    )
    unique_names = villages.filter(pl.col("name").is_unique()).select(
        pl.col("name").alias("_vname"), pl.col("id").alias("_v2")
    )
    by_code = villages.select(pl.col("code").alias("_vname"), pl.col("id").alias("_v3"))
    has_town = township in frame.columns
    keyed = frame.with_columns(
        simplified(frame[village]).alias("_vname"),
        (simplified(frame[township]) if has_town else pl.lit(None, dtype=pl.String)).alias("_town"),
    )
    keyed = keyed.join(by_pair.unique(["_town", "_vname"]), on=["_town", "_vname"], how="left")
    keyed = keyed.join(unique_names, on="_vname", how="left").join(by_code, on="_vname", how="left")
    keyed = keyed.with_columns(pl.coalesce("_v1", "_v2", "_v3").cast(pl.Int64).alias(out))
    missing = pl.col(village).is_not_null() & pl.col(out).is_null()
    ctx.log.add(
        keyed,
        missing,
        ctx.title(village),
        pl.col(village),
        "村不在区划表中（或重名且未填乡镇）",
        "village not in the division table (or ambiguous without township)",
        severity=ERROR if required else WARNING,
    )
    return keyed.drop("_vname", "_town", "_v1", "_v2", "_v3")
