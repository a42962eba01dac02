"""Division table: county, townships (and urban sub-districts), villages, by 12-digit code."""

from __future__ import annotations

import polars as pl

from notoneless.registry.imports import db
from notoneless.registry.imports.context import ImportContext
from notoneless.registry.models import Division

STRICT_IDS = True
NATURAL_KEY = ["code"]  # a repeat in a later batch of a streamed file is an error


def prepare(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    log = ctx.log
    code = pl.col("code")
    frame = frame.with_columns(
        pl.when(code.str.len_chars() == 6).then(code + "000000").otherwise(code).alias("code"),
        pl.when(pl.col("parent_code").str.len_chars() == 6)
        .then(pl.col("parent_code") + "000000")
        .otherwise(pl.col("parent_code"))
        .alias("parent_code"),
    )
    log.add(
        frame,
        pl.col("code").str.len_chars() != 12,
        ctx.title("code"),
        pl.col("code"),
        "区划代码应为12位（或6位县级代码）",
        "division code must have 12 digits (or a 6-digit county code)",
    )
    log.add(
        frame,
        pl.col("code").is_duplicated(),
        ctx.title("code"),
        pl.col("code"),
        "文件中区划代码重复",
        "division code appears more than once in the file",
    )
    known = set(db.existing(Division, ["code"])["code"].to_list()) | set(
        frame["code"].drop_nulls().to_list()
    )
    unknown_parent = pl.col("parent_code").is_not_null() & ~pl.col("parent_code").is_in(list(known))
    log.add(
        frame,
        unknown_parent,
        ctx.title("parent_code"),
        pl.col("parent_code"),
        "上级区划代码不存在",
        "parent division code is not in the file or the division table",
    )
    log.add(
        frame,
        (pl.col("level") != "county") & pl.col("parent_code").is_null(),
        ctx.title("parent_code"),
        None,
        "乡镇和村须填写上级区划代码",
        "townships and villages need a parent code",
    )
    return frame


def write(frame: pl.DataFrame, ctx: ImportContext) -> db.Counts:
    is_urban = pl.col("name").str.contains("街道|社区|居委会")
    rows = frame.select("code", "name", "level", is_urban.alias("is_urban"), "parent_code")
    total = db.Counts()
    # Parents first: county, then townships, then villages.
    for level in ("county", "township", "village"):
        part = rows.filter(pl.col("level") == level)
        if part.height == 0:
            continue
        ids = db.existing(Division, ["id", "code"]).rename(
            {"id": "parent_id", "code": "parent_code"}
        )
        part = part.join(ids, on="parent_code", how="left").drop("parent_code")
        counts, _ = db.upsert(Division, part, keys=["code"])
        total += counts
    return total
