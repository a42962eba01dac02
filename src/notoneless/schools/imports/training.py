"""Teachers' training: one row per teacher and course, the teacher found by resident ID."""

from __future__ import annotations

import polars as pl

from notoneless.registry.imports import db
from notoneless.registry.imports.context import ImportContext
from notoneless.registry.imports.masks import mask
from notoneless.schools.imports.common import with_teacher
from notoneless.schools.models import TrainingRecord

STRICT_IDS = True
NATURAL_KEY = ["id_number", "year", "course"]
MAX_HOURS = 1000


def prepare(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    log = ctx.log
    frame = with_teacher(frame, ctx)
    log.add(
        frame,
        pl.struct("id_number", "year", "course").is_duplicated(),
        ctx.title("course"),
        mask("id_number", "id_number"),
        "同一教师同一年度同一培训项目在文件中出现多次",
        "the same teacher, year and course appear more than once",
    )
    log.add(
        frame,
        (pl.col("round") < 1) | (pl.col("round") > 20),
        ctx.title("round"),
        pl.col("round").cast(pl.String),
        "轮次应为1-20",
        "round must be 1-20",
    )
    log.add(
        frame,
        (pl.col("hours") <= 0) | (pl.col("hours") > MAX_HOURS),
        ctx.title("hours"),
        pl.col("hours").cast(pl.String),
        f"学时应为1-{MAX_HOURS}",
        f"hours must be 1-{MAX_HOURS}",
    )
    log.add(
        frame,
        pl.col("course").str.len_chars() > 120,
        ctx.title("course"),
        None,
        "培训项目名称过长",
        "course name too long",
    )
    return frame


def write(frame: pl.DataFrame, ctx: ImportContext) -> db.Counts:
    rows = frame.select(
        "teacher_id",
        pl.col("year").cast(pl.Int64),
        "course",
        "level",
        pl.col("round").cast(pl.Int64),
        pl.col("hours").cast(pl.Int64),
    )
    counts, _ = db.upsert(TrainingRecord, rows, keys=["teacher_id", "year", "course"])
    return counts
