"""Travel times between schools: minutes by road, either way. A pair given twice must agree; a
negative, blank or non-numeric time, a school paired with itself or an unknown school is refused."""

from __future__ import annotations

import polars as pl

from notoneless.registry.imports import db
from notoneless.registry.imports.context import ImportContext
from notoneless.schools.imports.common import with_school
from notoneless.schools.models import TravelTime

STRICT_IDS = True
NATURAL_KEY: list[str] = []  # pairs are checked across the whole file below
MAX_MINUTES = 600


def prepare(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    log = ctx.log
    frame = with_school(frame, ctx, column="from_code", into="from_id")
    frame = with_school(frame, ctx, column="to_code", into="to_id")
    text = frame["minutes"].str.strip_chars().str.replace(r"\.0+$", "").str.replace("分钟$", "")
    number = text.cast(pl.Int64, strict=False)
    frame = frame.with_columns(number.alias("minutes_value"))
    title = ctx.title("minutes")
    log.add(
        frame,
        pl.col("minutes").is_not_null() & text.str.contains(r"^-").fill_null(False),
        title,
        pl.col("minutes"),
        "路程时间不能为负数",
        "travel time cannot be negative",
    )
    log.add(
        frame,
        pl.col("minutes").is_not_null()
        & ~text.str.contains(r"^-").fill_null(False)
        & pl.col("minutes_value").is_null(),
        title,
        pl.col("minutes"),
        "路程时间应为整数分钟",
        "travel time must be whole minutes",
    )
    log.add(
        frame,
        pl.col("minutes_value") > MAX_MINUTES,
        title,
        pl.col("minutes"),
        f"路程时间超过{MAX_MINUTES}分钟，请核对",
        f"more than {MAX_MINUTES} minutes: check the value",
    )
    log.add(
        frame,
        pl.col("from_code") == pl.col("to_code"),
        ctx.title("to_code"),
        pl.col("to_code"),
        "起点和终点是同一所学校",
        "a school paired with itself",
    )
    pair_a = pl.min_horizontal("from_code", "to_code")
    pair_b = pl.max_horizontal("from_code", "to_code")
    frame = frame.with_columns(pair_a.alias("_a"), pair_b.alias("_b"))
    disagree = (
        frame.filter(pl.col("minutes_value").is_not_null())
        .group_by("_a", "_b")
        .agg(pl.col("minutes_value").n_unique().alias("_n"))
        .filter(pl.col("_n") > 1)
    )
    frame = frame.join(disagree, on=["_a", "_b"], how="left")
    log.add(
        frame,
        pl.col("_n").is_not_null(),
        title,
        pl.col("minutes"),
        "同一对学校在文件中的路程时间不一致",
        "the same pair of schools is given different times in the file",
    )
    return frame.drop("_n")


def write(frame: pl.DataFrame, ctx: ImportContext) -> db.Counts:
    rows = (
        frame.select(
            pl.min_horizontal("from_id", "to_id").alias("school_a_id"),
            pl.max_horizontal("from_id", "to_id").alias("school_b_id"),
            pl.col("minutes_value").alias("minutes"),
        )
        .unique(["school_a_id", "school_b_id"], keep="first")
        .sort("school_a_id", "school_b_id")
    )
    counts, _ = db.upsert(TravelTime, rows, keys=["school_a_id", "school_b_id"])
    return counts
