"""Columnar attendance work over a whole term: school days, each enrolled student's unexcused days,
longest unexcused run and monthly counts, and the students the dropout rules flag. Frames in, frames
out; no ORM inside.

A school's closures (``SchoolClosure``, read by :func:`read_closures` as one row per closed day) are
days that school does not teach although the county calendar says it is a school day. Every function
that counts takes them as ``closures=`` (``school_id``, ``date``): an absence on a closed day of its
school never counts, a closed day does not break an unexcused run (school days are numbered per
school: the county's day index minus that school's closed days before it), and a student's school
days leave out their school's closures."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import polars as pl

from notoneless.lib import workdays
from notoneless.registry.imports import db
from notoneless.registry.models import Enrollment
from notoneless.retention.dropout_rules import DropoutRules
from notoneless.retention.models import Absence, SchoolClosure

__all__ = [
    "ABSENCE_SCHEMA",
    "CLOSURE_SCHEMA",
    "PLACE_SCHEMA",
    "attendance",
    "months",
    "read_absences",
    "read_closures",
    "read_places",
    "runs",
    "school_days",
    "suspects",
]

UNEXCUSED = "unexcused"
PLACE_SCHEMA = {"enrollment_id": pl.Int64, "student_id": pl.Int64, "school_id": pl.Int64}
ABSENCE_SCHEMA = {"student_id": pl.Int64, "date": pl.Date, "status": pl.String}
CLOSURE_SCHEMA = {"school_id": pl.Int64, "date": pl.Date}
_STORED_ABSENCE_SCHEMA = {
    "student_id": pl.Int64,
    "school_id": pl.Int64,
    "date": pl.Date,
    "status": pl.String,
}


def school_days(
    start: date, end: date, *, terms: Sequence[tuple[date, date]] | None = None
) -> pl.DataFrame:
    """The school days ``start <= d <= end`` (working days of the holiday calendar), numbered; with
    ``terms`` (first and last day of each), only the days inside a term, so that a school year's scan
    skips the winter break (a run of absence before it goes on after it)."""
    days, d = [], start
    while d <= end:
        inside = terms is None or any(first <= d <= last for first, last in terms)
        if inside and workdays.is_working_day(d):
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
    """(student_id, school_id, date, status) of every absence ``start <= date <= end``; ``school_id`` is
    the school the absence was recorded at (whose closures it is checked against)."""
    return db.read_frame(
        f"SELECT student_id, school_id, date, status FROM {_t(Absence)} WHERE date BETWEEN %s AND %s",
        [start, end],
        schema=_STORED_ABSENCE_SCHEMA,
    )


def read_closures(start: date, end: date, *, school_id: int | None = None) -> pl.DataFrame:
    """(school_id, date): every day ``start <= date <= end`` some school (or the one school) is closed,
    one row per school and day (overlapping closures of a school give the day once)."""
    one_school = "" if school_id is None else " AND school_id = %s"
    ranges = db.read_frame(
        f"SELECT school_id, start_date, end_date FROM {_t(SchoolClosure)}"
        f" WHERE start_date <= %s AND end_date >= %s{one_school}",
        [end, start] if school_id is None else [end, start, school_id],
        schema={"school_id": pl.Int64, "start_date": pl.Date, "end_date": pl.Date},
    )
    if ranges.height == 0:
        return pl.DataFrame(schema=CLOSURE_SCHEMA)
    first = pl.max_horizontal(pl.col("start_date"), pl.lit(start, pl.Date))
    last = pl.min_horizontal(pl.col("end_date"), pl.lit(end, pl.Date))
    return (
        ranges.select("school_id", pl.date_ranges(first, last).alias("date"))
        .explode("date")
        .unique()
        .sort("school_id", "date")
    )


def _closed_school_days(closures: pl.DataFrame | None, days: pl.DataFrame) -> pl.DataFrame:
    """The closures that fall on school days: (school_id, date, day)."""
    if closures is None or closures.height == 0:
        return pl.DataFrame(schema={**CLOSURE_SCHEMA, "day": pl.UInt32})
    return (
        closures.select(pl.col("school_id").cast(pl.Int64), pl.col("date").cast(pl.Date))
        .unique()
        .join(days, on="date", how="inner")
    )


def _on_school_days(
    absences: pl.DataFrame, days: pl.DataFrame, closures: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Absences on the school days of their school, each with ``day``: the school day's number at that
    school (the county's index less the school's closed days before it)."""
    seen = absences.join(days, on="date", how="inner")
    closed = _closed_school_days(closures, days)
    if closed.height == 0:
        return seen
    if "school_id" not in seen.columns:
        raise ValueError("closures need the absences' school_id (read_absences gives it)")
    seen = seen.join(closed.select("school_id", "date"), on=["school_id", "date"], how="anti")
    # per school with closures, each school day's count of closed days up to it (small: schools × days)
    before = (
        closed.select("school_id")
        .unique()
        .join(days.select("day"), how="cross")
        .join(
            closed.select("school_id", "day", pl.lit(1).alias("_c")),
            on=["school_id", "day"],
            how="left",
        )
        .sort("school_id", "day")
        .select(
            "school_id",
            "day",
            pl.col("_c").fill_null(0).cum_sum().over("school_id").alias("_closed"),
        )
    )
    return (
        seen.join(before, on=["school_id", "day"], how="left")
        .with_columns((pl.col("day") - pl.col("_closed").fill_null(0)).alias("day"))
        .drop("_closed")
    )


def _with_school(absences: pl.DataFrame, places: pl.DataFrame) -> pl.DataFrame:
    """Absences given without the school they were recorded at are taken at the student's place."""
    if "school_id" in absences.columns:
        return absences
    return absences.join(places.select("student_id", "school_id"), on="student_id", how="left")


def runs(
    absences: pl.DataFrame, days: pl.DataFrame, *, closures: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Runs of unexcused absence on consecutive school days: (student_id, first_date, last_date, days).
    Days that are not school days (nor closed days of the school) neither count nor break a run; a school
    day without absence does."""
    unexcused = _on_school_days(absences.filter(pl.col("status") == UNEXCUSED), days, closures)
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


def months(
    absences: pl.DataFrame, days: pl.DataFrame, *, closures: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Unexcused school days per student and calendar month: (student_id, month, first_date, last_date, days)."""
    unexcused = _on_school_days(absences.filter(pl.col("status") == UNEXCUSED), days, closures)
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
    places: pl.DataFrame,
    absences: pl.DataFrame,
    days: pl.DataFrame,
    as_of: date,
    *,
    closures: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Per enrolled student as of ``as_of``: school days so far (less their school's closed days), absent
    and unexcused days, the longest unexcused run and the attendance rate (1 − absent school days /
    school days so far)."""
    days = days.filter(pl.col("date") <= as_of)
    absences = _with_school(absences.filter(pl.col("date") <= as_of), places)
    seen = _on_school_days(absences, days, closures)
    counts = seen.group_by("student_id").agg(
        pl.len().cast(pl.Int64).alias("absent_days"),
        (pl.col("status") == UNEXCUSED).sum().cast(pl.Int64).alias("unexcused_days"),
    )
    longest = (
        runs(absences, days, closures=closures)
        .group_by("student_id")
        .agg(pl.col("days").max().alias("longest_run"))
    )
    closed = (
        _closed_school_days(closures, days)
        .group_by("school_id")
        .agg(pl.len().cast(pl.Int64).alias("_closed"))
    )
    zero = [pl.col(c).fill_null(0) for c in ("absent_days", "unexcused_days", "longest_run")]
    return (
        places.join(counts, on="student_id", how="left")
        .join(longest, on="student_id", how="left")
        .join(closed, on="school_id", how="left")
        .with_columns(
            *zero,
            (pl.lit(days.height, pl.Int64) - pl.col("_closed").fill_null(0)).alias("school_days"),
        )
        .drop("_closed")
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
    *,
    closures: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Enrolled students the rules flag as of ``as_of``, one row per student and trigger: the latest run
    of at least ``consecutive_unexcused_days`` ("consecutive") and the latest month with at least
    ``unexcused_days_in_month`` unexcused days ("monthly"). Excused absences and absences on a closed
    day of the school never count."""
    days = days.filter(pl.col("date") <= as_of)
    absences = absences.filter(pl.col("date") <= as_of)
    if closures is not None and closures.height:
        absences = _with_school(absences, places)
    consecutive = (
        runs(absences, days, closures=closures)
        .filter(pl.col("days") >= rules.consecutive_unexcused_days)
        .with_columns(
            pl.lit("consecutive").alias("trigger"), pl.lit(None, pl.String).alias("month")
        )
    )
    monthly = (
        months(absences, days, closures=closures)
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
