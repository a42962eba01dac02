"""Teachers' honours: a title (名校长, 名教师, 名班主任, 师德标兵, 骨干教师) at a level in a year."""

from __future__ import annotations

import polars as pl

from notoneless.registry.imports import db
from notoneless.registry.imports.context import ImportContext
from notoneless.registry.imports.masks import mask
from notoneless.schools.imports.common import with_teacher
from notoneless.schools.models import Honour

STRICT_IDS = True
NATURAL_KEY = ["id_number", "kind", "level", "year"]


def prepare(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    frame = with_teacher(frame, ctx)
    ctx.log.add(
        frame,
        pl.struct("id_number", "kind", "level", "year").is_duplicated(),
        ctx.title("kind"),
        mask("id_number", "id_number"),
        "同一教师同一年度同一荣誉在文件中出现多次",
        "the same honour of the same teacher and year appears more than once",
    )
    ctx.log.add(
        frame,
        (pl.col("year") < 1950) | (pl.col("year") > 2100),
        ctx.title("year"),
        pl.col("year").cast(pl.String),
        "年度应为四位年份",
        "year must be a four-digit year",
    )
    return frame


def write(frame: pl.DataFrame, ctx: ImportContext) -> db.Counts:
    rows = frame.select("teacher_id", "kind", "level", pl.col("year").cast(pl.Int64))
    counts, _ = db.upsert(Honour, rows, keys=["teacher_id", "kind", "level", "year"])
    return counts
