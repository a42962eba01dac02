"""School register: code, type, stages, township, locality, boarding, tuition, central school."""

from __future__ import annotations

import polars as pl

from notoneless.registry.imports import db, places
from notoneless.registry.imports.context import ImportContext
from notoneless.registry.models import School

STRICT_IDS = True
NATURAL_KEY = ["code"]  # a repeat in a later batch of a streamed file is an error
STAGES_BY_TYPE = {
    "kindergarten": "preschool",
    "primary": "primary",
    "junior": "junior",
    "nine_year": "primary,junior",
    "complete_secondary": "junior,senior",
    "senior": "senior",
    "vocational": "vocational",
    "special": "primary,junior",
    "teaching_point": "primary",
}
STAGE_WORDS = {
    "学前": "preschool",
    "幼儿园": "preschool",
    "小学": "primary",
    "初中": "junior",
    "高中": "senior",
    "中职": "vocational",
}


def prepare(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    log = ctx.log
    log.add(
        frame,
        pl.col("code").str.len_chars() != 10,
        ctx.title("code"),
        pl.col("code"),
        "学校标识码应为10位数字",
        "school code must have 10 digits",
    )
    log.add(
        frame,
        pl.col("code").is_duplicated(),
        ctx.title("code"),
        pl.col("code"),
        "文件中学校标识码重复",
        "school code appears more than once in the file",
    )
    frame = places.resolve_townships(frame, ctx, required=True)
    known = set(db.existing(School, ["code"])["code"].to_list()) | set(
        frame["code"].drop_nulls().to_list()
    )
    log.add(
        frame,
        pl.col("central_school_code").is_not_null()
        & ~pl.col("central_school_code").is_in(list(known)),
        ctx.title("central_school_code"),
        pl.col("central_school_code"),
        "中心校标识码不存在",
        "central school code is not in the file or the school register",
    )
    _check_coordinates(frame, ctx)
    stages = pl.col("stages").str.replace_many(list(STAGE_WORDS), list(STAGE_WORDS.values()))
    stages = stages.str.replace_all(r"[、，;；\s]", ",")
    return frame.with_columns(
        pl.coalesce(
            stages, pl.col("school_type").replace_strict(STAGES_BY_TYPE, default=None)
        ).alias("stages")
    )


def _check_coordinates(frame: pl.DataFrame, ctx: ImportContext) -> None:
    lon, lat = pl.col("longitude"), pl.col("latitude")
    ctx.log.add(
        frame,
        lon.is_null() != lat.is_null(),
        ctx.title("longitude"),
        None,
        "经度和纬度应同时填写",
        "give both longitude and latitude, or neither",
    )
    for name, limit in (("longitude", 180), ("latitude", 90)):
        ctx.log.add(
            frame,
            pl.col(name).cast(pl.Float64) > limit,
            ctx.title(name),
            pl.col(name).cast(pl.String),
            f"{ctx.title(name)}超出范围（0-{limit}度）",
            f"{name} out of range (0-{limit} degrees)",
        )


def write(frame: pl.DataFrame, ctx: ImportContext) -> db.Counts:
    rows = frame.select(
        "code",
        "name",
        "school_type",
        "stages",
        pl.col("township_id"),
        pl.col("locality").fill_null("rural"),
        pl.col("boarding").fill_null(False),
        pl.col("tuition").fill_null(0).alias("tuition_per_term_fen"),
        "central_school_code",
        pl.col("longitude").cast(pl.Float64),
        pl.col("latitude").cast(pl.Float64),
    )
    plain = rows.filter(pl.col("central_school_code").is_null()).drop("central_school_code")
    counts, _ = db.upsert(
        School,
        plain.with_columns(pl.lit(None, dtype=pl.Int64).alias("central_school_id")),
        keys=["code"],
    )
    points = rows.filter(pl.col("central_school_code").is_not_null())
    if points.height:
        ids = db.existing(School, ["id", "code"]).rename(
            {"id": "central_school_id", "code": "central_school_code"}
        )
        more, _ = db.upsert(
            School,
            points.join(ids, on="central_school_code", how="left").drop("central_school_code"),
            keys=["code"],
        )
        counts += more
    return counts
