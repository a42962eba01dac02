"""Recruitment: teachers hired by year and channel (校园招聘, 特岗教师, 公开招聘, 选调), per school and
subject when the file says so."""

from __future__ import annotations

import polars as pl

from notoneless.registry.imports import db
from notoneless.registry.imports.context import ImportContext
from notoneless.schools.imports.common import with_school
from notoneless.schools.models import Recruitment

STRICT_IDS = True
NATURAL_KEY = ["year", "channel", "school_code", "subject"]


def prepare(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    frame = with_school(frame, ctx).with_columns(pl.col("subject").fill_null(""))
    ctx.log.add(
        frame,
        pl.struct("year", "channel", "school_code", "subject").is_duplicated(),
        ctx.title("year"),
        pl.col("year").cast(pl.String),
        "同一年度、渠道、学校和学科在文件中出现多次",
        "the same year, channel, school and subject appear more than once",
    )
    ctx.log.add(
        frame,
        pl.col("hired") < 0,
        ctx.title("hired"),
        pl.col("hired").cast(pl.String),
        "人数不能为负数",
        "cannot be negative",
    )
    return frame


def write(frame: pl.DataFrame, ctx: ImportContext) -> db.Counts:
    rows = frame.select(
        pl.col("year").cast(pl.Int64),
        "channel",
        "school_id",
        pl.col("subject").str.slice(0, 30),
        pl.col("hired").cast(pl.Int64),
    )
    counts, _ = db.upsert(Recruitment, rows, keys=["year", "channel", "school_id", "subject"])
    return counts
