"""Finding the student a row of a bank, attendance or similar file is about."""

from __future__ import annotations

import polars as pl

from notoneless.registry.imports import db
from notoneless.registry.imports.context import ImportContext
from notoneless.registry.imports.masks import mask
from notoneless.registry.models import Person, Student, StudentNumber


def known_numbers(hashes: pl.Series | None = None) -> pl.DataFrame:
    """Student numbers held (current and former) with their student: ``number_hash``, ``student_id``;
    all of them, or those among ``hashes``."""
    current = db.existing(
        Student,
        ["student_number_hash", "id"],
        where=None if hashes is None else ("student_number_hash", hashes),
    ).select(
        pl.col("student_number_hash").alias("number_hash"),
        pl.col("id").cast(pl.Int64).alias("student_id"),
    )
    former = db.existing(
        StudentNumber,
        ["number_hash", "student_id"],
        where=None if hashes is None else ("number_hash", hashes),
    ).select(pl.col("number_hash"), pl.col("student_id").cast(pl.Int64))
    return pl.concat([current, former], how="vertical_relaxed")


def students_by_number(hashes: pl.Series) -> pl.DataFrame:
    """``number_hash``, ``student_id``, ``person_id`` for the student numbers (current or former) among
    ``hashes`` that we hold."""
    numbers = known_numbers(hashes)
    students = db.existing(Student, ["id", "person_id"], where=("id", numbers["student_id"]))
    return numbers.join(
        students.select(
            pl.col("id").cast(pl.Int64).alias("student_id"), pl.col("person_id").cast(pl.Int64)
        ),
        on="student_id",
    ).filter(pl.col("number_hash") != "")


def students_by_id(hashes: pl.Series) -> pl.DataFrame:
    """``id_number_hash``, ``student_id``, ``person_id`` for the students whose resident ID hash is among
    ``hashes`` (one student per ID)."""
    persons = db.existing(
        Person, ["id", "id_number_hash"], where=("id_number_hash", hashes)
    ).filter(pl.col("id_number_hash") != "")
    students = db.existing(Student, ["id", "person_id"], where=("person_id", persons["id"]))
    return (
        persons.select(pl.col("id_number_hash"), pl.col("id").cast(pl.Int64).alias("person_id"))
        .join(
            students.select(
                pl.col("id").cast(pl.Int64).alias("student_id"), pl.col("person_id").cast(pl.Int64)
            ),
            on="person_id",
        )
        .unique("id_number_hash", keep="first")
    )


def attach_student(
    frame: pl.DataFrame,
    ctx: ImportContext,
    *,
    number: str = "student_number",
    id_number: str | None = None,
) -> pl.DataFrame:
    """``student_id`` and ``person_id`` by any student number the student has had, else by resident ID."""
    frame = frame.with_columns(db.hash_column(frame[number]).alias("_h"))
    by_number = students_by_number(frame["_h"]).select(
        pl.col("number_hash").alias("_h"), pl.col("student_id").alias("_s1")
    )
    frame = frame.join(by_number, on="_h", how="left")
    if id_number:
        frame = frame.with_columns(db.hash_column(frame[id_number]).alias("_ih"))
        by_id = students_by_id(frame["_ih"]).select(
            pl.col("id_number_hash").alias("_ih"), pl.col("student_id").alias("_s2")
        )
        frame = frame.join(by_id, on="_ih", how="left")
    else:
        frame = frame.with_columns(
            pl.lit(None, dtype=pl.Int64).alias("_s2"), pl.lit("").alias("_ih")
        )
    frame = frame.with_columns(pl.coalesce("_s1", "_s2").alias("student_id")).drop(
        "_h", "_ih", "_s1", "_s2"
    )
    students = db.existing(Student, ["id", "person_id"], where=("id", frame["student_id"])).select(
        pl.col("id").cast(pl.Int64).alias("student_id"), pl.col("person_id").cast(pl.Int64)
    )
    frame = frame.join(students, on="student_id", how="left")
    given = pl.col(number).is_not_null() | (
        pl.col(id_number).is_not_null() if id_number else pl.lit(False)
    )
    ctx.log.add(
        frame,
        given & pl.col("student_id").is_null(),
        ctx.title(number),
        mask(number, "student_number"),
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
