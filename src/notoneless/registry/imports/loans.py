"""Student-origin credit loans (生源地信用助学贷款) of university students: recorded, paid by a bank.

A loan is at most the yearly ceiling of the aid pack's loan program (8,000 yuan in shaanxi-2020); a
student has one loan per school year. Linked to a person of the registers by exact valid ID."""

from __future__ import annotations

import polars as pl

from notoneless.registry.imports import db
from notoneless.registry.imports.columns import check_id_agrees
from notoneless.registry.imports.context import ImportContext
from notoneless.registry.imports.masks import mask
from notoneless.registry.models import Person

STRICT_IDS = True
NATURAL_KEY = ["id_number", "school_year"]
DEFAULT_CEILING_FEN = 800_000


def ceiling_fen() -> int:
    """The loan program's yearly ceiling in the active pack (the shipped default when none is loaded)."""
    from notoneless.aid.selectors import loan_ceiling_fen

    return loan_ceiling_fen() or DEFAULT_CEILING_FEN


def prepare(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    check_id_agrees(frame, "id_number", ctx.titles, ctx.log, strict=True)
    key = pl.concat_str([pl.col("id_number"), pl.col("school_year").cast(pl.String)], separator="|")
    ctx.log.add(
        frame,
        key.is_duplicated() & pl.col("id_number").is_not_null(),
        ctx.title("id_number"),
        mask("id_number", "id_number"),
        "同一学生同一学年的贷款重复",
        "the same student has two loans for one school year",
    )
    limit = ceiling_fen()
    ctx.log.add(
        frame,
        (pl.col("amount") > limit) | (pl.col("amount") <= 0),
        ctx.title("amount"),
        (pl.col("amount") / 100).cast(pl.String),
        f"贷款金额须大于0且不超过每年{limit // 100}元",
        f"a loan must be more than 0 and at most {limit // 100} yuan a year",
    )
    return frame


def write(frame: pl.DataFrame, ctx: ImportContext) -> db.Counts:
    from notoneless.aid.models import StudentLoan

    hashes = db.hash_column(frame["id_number"])
    persons = (
        db.existing(Person, ["id", "id_number_hash"], where=("id_number_hash", hashes))
        .filter(pl.col("id_number_hash") != "")
        .unique("id_number_hash", keep="first")
        .select(pl.col("id_number_hash"), pl.col("id").cast(pl.Int64).alias("person_id"))
    )
    rows = frame.select(
        "name",
        pl.col("id_number").alias("id_number_plain"),
        hashes.alias("id_number_hash"),
        mask("id_number", "id_number").alias("id_number_masked"),
        "university",
        pl.col("school_year").cast(pl.Int64),
        pl.col("amount").cast(pl.Int64).alias("amount_fen"),
        pl.col("_row").cast(pl.Int64).alias("source_row"),
    ).join(persons, on="id_number_hash", how="left")
    counts, _ = db.upsert(
        StudentLoan, rows, keys=["id_number_hash", "school_year"], encrypted=["id_number"]
    )
    return counts
