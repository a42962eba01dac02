"""Absences only: present is the default for an enrolled child on a school day."""

from __future__ import annotations

from datetime import date

import polars as pl

from notoneless.registry.imports import db
from notoneless.registry.imports.context import ImportContext
from notoneless.registry.imports.lookup import attach_student
from notoneless.registry.models import Enrollment, School, Term
from notoneless.retention import calendar
from notoneless.retention.bulk import read_closures
from notoneless.retention.models import Absence, SchoolClosure

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
    _check_calendar(frame, ctx)
    return frame.filter(pl.col("_pair").is_first_distinct()).drop("_pair", "_n")


def _check_calendar(frame: pl.DataFrame, ctx: ImportContext) -> None:
    """Errors for a date in the future, outside every term, or not a school day of the student's school
    (a public holiday, named; a weekend without make-up; a closure of the school, with its reason).
    Checked once per distinct date (and closure), not per row; each row gets its own issue."""
    title = ctx.title("date")
    value = pl.col("date").cast(pl.String)
    dated = frame.filter(pl.col("date").is_not_null())
    if dated.height == 0:
        return
    today = calendar.today()
    future = pl.col("date") > today
    ctx.log.add(  # the date column's own check says so already for dates after the server's today
        frame,
        future & (pl.col("date") <= date.today()),
        title,
        value,
        f"日期在将来（今天是 {today}），不能预先记录缺勤",
        f"the date is in the future (today is {today}); absences are recorded after the day",
    )
    terms = pl.DataFrame(
        list(Term.objects.values_list("start_date", "end_date")),
        schema={"_start": pl.Date, "_end": pl.Date},
        orient="row",
    )
    dates = dated.select(pl.col("date").unique())
    in_term = (
        dates.join(terms, how="cross")
        .filter(pl.col("date").is_between(pl.col("_start"), pl.col("_end")))
        .select("date")
        .unique()
    )
    outside = ~future & ~pl.col("date").is_in(in_term["date"].implode())
    ctx.log.add(
        frame,
        pl.col("date").is_not_null() & outside,
        title,
        value,
        "日期不在任何学期内（请核对日期，或先导入该学期的学籍）",
        "the date is outside every term (check the date, or import that term's roster first)",
    )
    checked = pl.col("date").is_not_null() & ~future & ~outside
    reasons = calendar.calendar_reasons(in_term["date"].to_list())
    for reason in set(reasons.values()):
        days = [d for d, r in reasons.items() if r == reason]
        ctx.log.add(frame, checked & pl.col("date").is_in(days), title, value, reason.zh, reason.en)
    if dated["date"].min() is None or "school_id" not in frame.columns:
        return
    closed = read_closures(dated["date"].min(), dated["date"].max())  # type: ignore[arg-type]
    if closed.height == 0:
        return
    hits = frame.filter(checked).join(closed, on=["school_id", "date"], how="semi")
    if hits.height == 0:
        return
    for closure in SchoolClosure.objects.filter(
        school_id__in=hits["school_id"].unique().to_list(),
        start_date__lte=hits["date"].max(),
        end_date__gte=hits["date"].min(),
    ):
        ctx.log.add(
            frame,
            checked
            & (pl.col("school_id") == closure.school_id)
            & pl.col("date").is_between(closure.start_date, closure.end_date),
            title,
            value,
            f"学校停课（{closure.reason}，{closure.start_date}至{closure.end_date}），不是上课日",
            f"the school is closed ({closure.reason}, {closure.start_date} to"
            f" {closure.end_date}): not a school day",
        )


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
    frame = frame.with_columns(pl.coalesce("_given", "_enrolled").alias("school_id")).drop(
        "_given", "_enrolled"
    )
    ctx.log.add(
        frame,
        pl.col("student_id").is_not_null()
        & pl.col("school_code").is_null()
        & pl.col("school_id").is_null(),
        ctx.title("student_number"),
        None,
        "学生没有学籍所在学校，请填写学校标识码",
        "the student is enrolled nowhere: give the school code",
    )
    return frame


def write(frame: pl.DataFrame, ctx: ImportContext) -> db.Counts:
    rows = frame.select(
        pl.col("student_id").cast(pl.Int64), pl.col("school_id").cast(pl.Int64), "date", "status"
    )
    counts, _ = db.upsert(Absence, rows, keys=["student_id", "date"])
    return counts
