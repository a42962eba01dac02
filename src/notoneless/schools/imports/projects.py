"""Projects: building, renovation and equipment projects, one row per project number. Amounts are in 元
unless the header says 万元."""

from __future__ import annotations

import polars as pl

from notoneless.registry.imports import db
from notoneless.registry.imports.context import ImportContext
from notoneless.registry.imports.issues import WARNING
from notoneless.schools.imports.common import check_year, header_unit, to_fen, with_school
from notoneless.schools.models import Project

STRICT_IDS = True
NATURAL_KEY = ["code"]


def prepare(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    log = ctx.log
    frame = with_school(frame, ctx)
    log.add(
        frame,
        pl.col("code").is_duplicated(),
        ctx.title("code"),
        pl.col("code"),
        "文件中项目编号重复",
        "project number appears more than once in the file",
    )
    check_year(frame, ctx)
    log.add(
        frame,
        pl.col("end_date") < pl.col("start_date"),
        ctx.title("end_date"),
        pl.col("end_date").cast(pl.String),
        "完工日期早于开工日期",
        "end date is before the start date",
    )
    for name in ("code", "name"):
        log.add(
            frame,
            pl.col(name).str.len_chars() > (40 if name == "code" else 200),
            ctx.title(name),
            None,
            "内容过长",
            "too long",
        )
    budget_unit = header_unit(ctx, "budget") or 1
    spent_unit = header_unit(ctx, "spent") or budget_unit
    frame = frame.with_columns(
        to_fen(frame["budget"], budget_unit).alias("budget_fen"),
        to_fen(frame["spent"], spent_unit).alias("spent_fen"),
    )
    log.add(
        frame,
        pl.col("spent_fen") > pl.col("budget_fen"),
        ctx.title("spent"),
        pl.col("spent").cast(pl.String),
        "已完成投资超过预算",
        "spent more than the budget",
        severity=WARNING,
    )
    return frame


def write(frame: pl.DataFrame, ctx: ImportContext) -> db.Counts:
    rows = frame.select(
        "code",
        "name",
        "kind",
        "school_id",
        "funding_source",
        pl.col("year").cast(pl.Int64),
        "budget_fen",
        pl.col("spent_fen").fill_null(0),
        "status",
        "start_date",
        "end_date",
        pl.col("notes").fill_null("").str.slice(0, 300),
    )
    counts, _ = db.upsert(Project, rows, keys=["code"])
    return counts
