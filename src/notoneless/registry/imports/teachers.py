"""Teachers and their schools, subjects, qualification and post."""

from __future__ import annotations

import polars as pl

from notoneless.lib.names import names_pinyin, normalise_names
from notoneless.registry.imports import db
from notoneless.registry.imports.columns import check_id_agrees
from notoneless.registry.imports.context import ImportContext
from notoneless.registry.imports.masks import mask
from notoneless.registry.models import School, Teacher

STRICT_IDS = True
NATURAL_KEY = ["id_number"]  # a repeat in a later batch of a streamed file is an error


def prepare(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    check_id_agrees(frame, "id_number", ctx.titles, ctx.log, strict=True)
    ctx.log.add(
        frame,
        pl.col("id_number").is_duplicated() & pl.col("id_number").is_not_null(),
        ctx.title("id_number"),
        mask("id_number", "id_number"),
        "文件中身份证号重复",
        "resident ID appears more than once in the file",
    )
    schools = db.existing(School, ["id", "code"]).select(
        pl.col("id").cast(pl.Int64).alias("school_id"), pl.col("code").alias("school_code")
    )
    frame = frame.join(schools, on="school_code", how="left")
    ctx.log.add(
        frame,
        pl.col("school_code").is_not_null() & pl.col("school_id").is_null(),
        ctx.title("school_code"),
        pl.col("school_code"),
        "学校标识码不在学校名册中",
        "school code is not in the school register",
    )
    return frame


def write(frame: pl.DataFrame, ctx: ImportContext) -> db.Counts:
    names = normalise_names(frame["name"].to_list())
    subjects = pl.col("subjects").str.replace_all(r"[、，;；/\s]+", ",").fill_null("")
    rows = frame.select(
        "name",
        pl.Series("name_norm", names, dtype=pl.String),
        pl.Series("name_pinyin", names_pinyin(names), dtype=pl.String),
        pl.coalesce("sex", "id_number_sex").fill_null("").alias("sex"),
        pl.coalesce("birth_date", "id_number_birth").alias("birth_date"),
        pl.col("id_number").alias("id_number_plain"),
        db.hash_column(frame["id_number"]).alias("id_number_hash"),
        mask("id_number", "id_number").alias("id_number_masked"),
        pl.lit("ok").alias("id_status"),
        "school_id",
        subjects.alias("subjects"),
        pl.col("qualification").fill_null(""),
        pl.col("title").fill_null(""),
        pl.col("post").fill_null(""),
        pl.col("phone").alias("phone_plain"),
        db.hash_column(frame["phone"]).alias("phone_hash"),
        mask("phone", "phone").alias("phone_masked"),
    )
    counts, _ = db.upsert(Teacher, rows, keys=["id_number_hash"], encrypted=["id_number", "phone"])
    return counts
