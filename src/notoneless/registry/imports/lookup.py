"""Finding the student a row of a bank, attendance or similar file is about."""

from __future__ import annotations

import polars as pl

from notoneless.registry.imports import db
from notoneless.registry.imports.columns import mask_expr
from notoneless.registry.imports.context import ImportContext
from notoneless.registry.models import Person, Student, StudentNumber


def known_numbers() -> pl.DataFrame:
    """Every student number held (current and former) with its student: ``number_hash``, ``student_id``."""
    current = db.existing(Student, ["student_number_hash", "id"]).select(
        pl.col("student_number_hash").alias("number_hash"),
        pl.col("id").cast(pl.Int64).alias("student_id"),
    )
    former = db.existing(StudentNumber, ["number_hash", "student_id"]).select(
        pl.col("number_hash"), pl.col("student_id").cast(pl.Int64)
    )
    return pl.concat([current, former], how="vertical_relaxed")


def attach_student(
    frame: pl.DataFrame,
    ctx: ImportContext,
    *,
    number: str = "student_number",
    id_number: str | None = None,
) -> pl.DataFrame:
    """``student_id`` and ``person_id`` by any student number the student has had, else by resident ID."""
    students = db.existing(Student, ["id", "person_id"]).select(
        pl.col("id").cast(pl.Int64).alias("student_id"), pl.col("person_id").cast(pl.Int64)
    )
    numbers = known_numbers().select(
        pl.col("number_hash").alias("_h"), pl.col("student_id").alias("_s1")
    )
    frame = frame.with_columns(db.hash_column(frame[number]).alias("_h")).join(
        numbers, on="_h", how="left"
    )
    if id_number:
        persons = (
            db.existing(Person, ["id", "id_number_hash"])
            .filter(pl.col("id_number_hash") != "")
            .select(
                pl.col("id_number_hash").alias("_ih"),
                pl.col("id").cast(pl.Int64).alias("person_id"),
            )
            .join(students, on="person_id")
            .select("_ih", pl.col("student_id").alias("_s2"))
            .unique("_ih")
        )
        frame = frame.with_columns(db.hash_column(frame[id_number]).alias("_ih")).join(
            persons, on="_ih", how="left"
        )
    else:
        frame = frame.with_columns(
            pl.lit(None, dtype=pl.Int64).alias("_s2"), pl.lit("").alias("_ih")
        )
    frame = frame.with_columns(pl.coalesce("_s1", "_s2").alias("student_id")).drop(
        "_h", "_ih", "_s1", "_s2"
    )
    frame = frame.join(students, on="student_id", how="left")
    given = pl.col(number).is_not_null() | (
        pl.col(id_number).is_not_null() if id_number else pl.lit(False)
    )
    ctx.log.add(
        frame,
        given & pl.col("student_id").is_null(),
        ctx.title(number),
        mask_expr(number, "student_number"),
        "学籍号（或身份证号）不在学籍名册中",
        "student number (or ID) is not in the student register",
    )
    ctx.log.add(
        frame,
        ~given,
        ctx.title(number),
        None,
        "须填写学籍号或学生身份证号",
        "a student number or the student's resident ID is needed",
    )
    return frame
