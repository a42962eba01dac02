"""What the schools area's imports share: finding the school or teacher a row names, the unit of an
amount column from its header, and the enrolment a year's figures are compared with."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
from django.db.models import Count

from notoneless.registry.imports import db
from notoneless.registry.imports.context import ImportContext
from notoneless.registry.imports.masks import mask
from notoneless.registry.models import Enrollment, School, Teacher, Term

WAN = 10_000


def with_school(
    frame: pl.DataFrame,
    ctx: ImportContext,
    *,
    column: str = "school_code",
    into: str = "school_id",
) -> pl.DataFrame:
    """``into``: the id of the school whose code ``column`` gives; an unknown code is an error."""
    schools = db.existing(School, ["id", "code"]).select(
        pl.col("id").cast(pl.Int64).alias(into), pl.col("code").alias(column)
    )
    frame = frame.join(schools, on=column, how="left")
    ctx.log.add(
        frame,
        pl.col(column).is_not_null() & pl.col(into).is_null(),
        ctx.title(column),
        pl.col(column),
        "学校标识码不在学校名册中",
        "school code is not in the school register",
    )
    return frame


def with_teacher(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    """``teacher_id``: the teacher of the row's resident ID; one not in the teachers' register is an
    error (import the teachers first)."""
    teachers = db.existing(Teacher, ["id", "id_number_hash"]).select(
        pl.col("id").cast(pl.Int64).alias("teacher_id"), "id_number_hash"
    )
    frame = frame.with_columns(db.hash_column(frame["id_number"]).alias("id_number_hash"))
    frame = frame.join(teachers, on="id_number_hash", how="left")
    ctx.log.add(
        frame,
        pl.col("id_number").is_not_null() & pl.col("teacher_id").is_null(),
        ctx.title("id_number"),
        mask("id_number", "id_number"),
        "身份证号不在教师名册中（请先导入教师）",
        "resident ID is not in the teachers' register (import the teachers first)",
    )
    return frame


def header_unit(ctx: ImportContext, field: str) -> int | None:
    """Yuan per unit the header of an amount column names: 万元 → 10,000, 元 → 1, no unit → None."""
    title = ctx.title(field)
    if "万元" in title:
        return WAN
    if "元" in title:
        return 1
    return None


def to_fen(values: pl.Series, yuan_per_unit: int) -> pl.Series:
    """Exact decimals in the column's unit to integer fen (a fraction of a fen is rounded half up)."""
    fen = [
        None if v is None else int((v * yuan_per_unit * 100).quantize(Decimal(1)))
        for v in values.to_list()
    ]
    return pl.Series(values.name, fen, dtype=pl.Int64)


def enrolment_by_school_year(years: list[int]) -> pl.DataFrame:
    """Students enrolled at each school in the autumn term of each of ``years`` (school_id, year,
    students), for checking a year's figures against the school's size."""
    terms = Term.objects.filter(school_year__in=years, season=Term.Season.AUTUMN)
    rows = (
        Enrollment.objects.filter(term__in=terms)
        .values_list("school_id", "term__school_year")
        .order_by()
    )
    counted = rows.annotate(n=Count("id"))
    return pl.DataFrame(
        list(counted),
        schema={"school_id": pl.Int64, "year": pl.Int64, "students": pl.Int64},
        orient="row",
    )


def check_year(frame: pl.DataFrame, ctx: ImportContext, field: str = "year") -> None:
    """A year outside 2000-2100 is an error (a two-digit or mistyped year)."""
    ctx.log.add(
        frame,
        (pl.col(field) < 2000) | (pl.col(field) > 2100),
        ctx.title(field),
        pl.col(field).cast(pl.String),
        "年度应为四位年份",
        "year must be a four-digit year",
    )
