"""Columnar attendance work over a whole term: school days, each enrolled student's unexcused days,
longest unexcused run and monthly counts, and the students the dropout rules flag. Frames in, frames
out; no ORM inside."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from notoneless.lib import workdays
from notoneless.registry.imports import db
from notoneless.registry.models import Enrollment
from notoneless.retention.dropout_rules import DropoutRules
from notoneless.retention.models import Absence

__all__ = [
    "ABSENCE_SCHEMA",
    "PLACE_SCHEMA",
    "attendance",
    "months",
    "read_absences",
    "read_places",
    "runs",
    "school_days",
    "suspects",
]

UNEXCUSED = "unexcused"
PLACE_SCHEMA = {"enrollment_id": pl.Int64, "student_id": pl.Int64, "school_id": pl.Int64}
ABSENCE_SCHEMA = {"student_id": pl.Int64, "date": pl.Date, "status": pl.String}


def school_days(start: date, end: date) -> pl.DataFrame:
    """The term's school days ``start <= d <= end`` (working days of the holiday calendar), numbered."""
    days, d = [], start
    while d <= end:
        if workdays.is_working_day(d):
            days.append(d)
        d += timedelta(days=1)
    return pl.DataFrame({"date": days}, schema={"date": pl.Date}).with_row_index("day")


def _t(model: type) -> str:
    return db.quote(db.table(model))


def read_places(term_id: int) -> pl.DataFrame:
    """(student_id, school_id) of every student enrolled in the term, at the later place if two."""
    frame = db.read_frame(
        f"SELECT id AS enrollment_id, student_id, school_id FROM {_t(Enrollment)}"
        " WHERE term_id = %s AND status = 'enrolled'",
        [term_id],
        schema=PLACE_SCHEMA,
    )
    return frame.sort("enrollment_id").unique("student_id", keep="last").drop("enrollment_id")


def read_absences(start: date, end: date) -> pl.DataFrame:
    """(student_id, date, status) of every absence ``start <= date <= end``."""
    frame = db.read_frame(
        f"SELECT student_id, date, status FROM {_t(Absence)} WHERE date BETWEEN %s AND %s",
        [start, end],
        schema=ABSENCE_SCHEMA,
    )
    return frame


def _on_school_days(absences: pl.DataFrame, days: pl.DataFrame) -> pl.DataFrame:
    return absences.join(days, on="date", how="inner")


def runs(absences: pl.DataFrame, days: pl.DataFrame) -> pl.DataFrame:
    """Runs of unexcused absence on consecutive school days: (student_id, first_date, last_date, days).
    Days that are not school days neither count nor break a run; a school day without absence does."""
    unexcused = _on_school_days(absences.filter(pl.col("status") == UNEXCUSED), days)
    gap = pl.col("day").diff().over("student_id").fill_null(0) != 1
    return (
        unexcused.sort("student_id", "day")
        .with_columns(gap.cum_sum().over("student_id").alias("run"))
        .group_by("student_id", "run")
        .agg(
            pl.col("date").min().alias("first_date"),
            pl.col("date").max().alias("last_date"),
            pl.len().cast(pl.Int64).alias("days"),
        )
        .drop("run")
        .sort("student_id", "first_date")
    )


def months(absences: pl.DataFrame, days: pl.DataFrame) -> pl.DataFrame:
    """Unexcused school days per student and calendar month: (student_id, month, first_date, last_date, days)."""
    unexcused = _on_school_days(absences.filter(pl.col("status") == UNEXCUSED), days)
    return (
        unexcused.with_columns(pl.col("date").dt.strftime("%Y-%m").alias("month"))
        .group_by("student_id", "month")
        .agg(
            pl.col("date").min().alias("first_date"),
            pl.col("date").max().alias("last_date"),
            pl.len().cast(pl.Int64).alias("days"),
        )
        .sort("student_id", "month")
    )


def attendance(
    places: pl.DataFrame, absences: pl.DataFrame, days: pl.DataFrame, as_of: date
) -> pl.DataFrame:
    """Per enrolled student as of ``as_of``: school days so far, absent and unexcused days, the longest
    unexcused run and the attendance rate (1 − absent school days / school days so far)."""
    days = days.filter(pl.col("date") <= as_of)
    so_far = days.height
    seen = _on_school_days(absences.filter(pl.col("date") <= as_of), days)
    counts = seen.group_by("student_id").agg(
        pl.len().cast(pl.Int64).alias("absent_days"),
        (pl.col("status") == UNEXCUSED).sum().cast(pl.Int64).alias("unexcused_days"),
    )
    longest = (
        runs(absences.filter(pl.col("date") <= as_of), days)
        .group_by("student_id")
        .agg(pl.col("days").max().alias("longest_run"))
    )
    zero = [pl.col(c).fill_null(0) for c in ("absent_days", "unexcused_days", "longest_run")]
    return (
        places.join(counts, on="student_id", how="left")
        .join(longest, on="student_id", how="left")
        .with_columns(*zero, pl.lit(so_far, pl.Int64).alias("school_days"))
        .with_columns(
            (1 - pl.col("absent_days") / pl.max_horizontal(pl.col("school_days"), 1)).alias(
                "attendance_rate"
            )
        )
        .sort("student_id")
    )


def suspects(
    places: pl.DataFrame,
    absences: pl.DataFrame,
    days: pl.DataFrame,
    as_of: date,
    rules: DropoutRules,
) -> pl.DataFrame:
    """Enrolled students the rules flag as of ``as_of``, one row per student and trigger: the latest run
    of at least ``consecutive_unexcused_days`` ("consecutive") and the latest month with at least
    ``unexcused_days_in_month`` unexcused days ("monthly"). Excused absences never count."""
    days = days.filter(pl.col("date") <= as_of)
    absences = absences.filter(pl.col("date") <= as_of)
    consecutive = (
        runs(absences, days)
        .filter(pl.col("days") >= rules.consecutive_unexcused_days)
        .with_columns(
            pl.lit("consecutive").alias("trigger"), pl.lit(None, pl.String).alias("month")
        )
    )
    monthly = (
        months(absences, days)
        .filter(pl.col("days") >= rules.unexcused_days_in_month)
        .with_columns(pl.lit("monthly").alias("trigger"))
    )
    columns = ["student_id", "trigger", "first_date", "last_date", "days", "month"]
    found = pl.concat([consecutive.select(columns), monthly.select(columns)]).with_columns(
        pl.col("days").cast(pl.Int64)
    )
    latest = found.sort("first_date").unique(["student_id", "trigger"], keep="last")
    return (
        latest.join(places, on="student_id", how="inner")
        .select(
            "student_id",
            "school_id",
            "trigger",
            "first_date",
            pl.struct("days", "last_date", "month").alias("detail"),
        )
        .sort("student_id", "trigger")
    )
