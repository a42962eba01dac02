"""Absences only: present is the default for an enrolled child on a school day."""

from __future__ import annotations

import polars as pl

from notoneless.registry.imports import db
from notoneless.registry.imports.context import ImportContext
from notoneless.registry.imports.lookup import attach_student
from notoneless.registry.models import Enrollment, School
from notoneless.retention.models import Absence

STRICT_IDS = True
NATURAL_KEY = ["student_number", "date"]  # a repeat in a later batch of a streamed file is an error


def prepare(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    frame = attach_student(frame, ctx)
    frame = _attach_school(frame, ctx)
    pair = pl.concat_str([pl.col("student_number"), pl.col("date").cast(pl.String)], separator="|")
    statuses = frame.group_by(pair.alias("_pair")).agg(pl.col("status").n_unique().alias("_n"))
    frame = frame.with_columns(pair.alias("_pair")).join(statuses, on="_pair", how="left")
    ctx.log.add(
        frame,
        pl.col("_n") > 1,
        ctx.title("status"),
        pl.col("status"),
        "同一学生同一天有两种考勤状态",
        "the same student and day appear with two statuses",
    )
    ctx.log.add(
        frame,
        (pl.col("_n") == 1)
        & pl.col("_pair").is_duplicated()
        & ~pl.col("_pair").is_first_distinct(),
        ctx.title("date"),
        pl.col("date").cast(pl.String),
        "同一缺勤记录重复，已合并",
        "the same absence appears twice; merged",
        severity="warning",
    )
    weekend = pl.col("date").dt.weekday() >= 6
    ctx.log.add(
        frame,
        weekend,
        ctx.title("date"),
        pl.col("date").cast(pl.String),
        "日期是周末，请核对是否为调休上课日",
        "date is a weekend: check it was a make-up school day",
        severity="warning",
    )
    return frame.filter(pl.col("_pair").is_first_distinct()).drop("_pair", "_n")


def _attach_school(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    """The school the absence is recorded at: the one given, else the student's latest enrolment."""
    schools = db.existing(School, ["id", "code"]).select(
        pl.col("id").cast(pl.Int64).alias("_given"), pl.col("code").alias("school_code")
    )
    latest = (
        db.existing(
            Enrollment,
            ["student_id", "school_id", "term_id"],
            where=("student_id", frame["student_id"]),
        )
        .sort("term_id")
        .group_by("student_id")
        .agg(pl.col("school_id").last().cast(pl.Int64).alias("_enrolled"))
        .with_columns(pl.col("student_id").cast(pl.Int64))
    )
    frame = frame.join(schools, on="school_code", how="left").join(
        latest, on="student_id", how="left"
    )
    ctx.log.add(
        frame,
        pl.col("school_code").is_not_null() & pl.col("_given").is_null(),
        ctx.title("school_code"),
        pl.col("school_code"),
        "学校标识码不在学校名册中",
        "school code is not in the school register",
    )
    return frame.with_columns(pl.coalesce("_given", "_enrolled").alias("school_id")).drop(
        "_given", "_enrolled"
    )


def write(frame: pl.DataFrame, ctx: ImportContext) -> db.Counts:
    rows = frame.select(
        pl.col("student_id").cast(pl.Int64), pl.col("school_id").cast(pl.Int64), "date", "status"
    )
    counts, _ = db.upsert(Absence, rows, keys=["student_id", "date"])
    return counts
