"""The bank cards aid is paid to, and who holds each."""

from __future__ import annotations

import polars as pl

from notoneless.registry.imports import db
from notoneless.registry.imports.context import ImportContext
from notoneless.registry.imports.lookup import attach_student
from notoneless.registry.imports.masks import mask
from notoneless.registry.models import BankAccount

STRICT_IDS = True


def prepare(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    frame = attach_student(frame, ctx, id_number="student_id_number")
    pair = pl.concat_str(
        [pl.col("person_id").cast(pl.String), pl.col("card_number")], separator="|"
    )
    ctx.log.add(
        frame,
        pair.is_duplicated() & ~pair.is_first_distinct(),
        ctx.title("card_number"),
        None,
        "同一学生同一卡号重复",
        "same card for the same student appears twice",
        severity="warning",
    )
    return frame.filter(pair.is_first_distinct() | pl.col("person_id").is_null())


def write(frame: pl.DataFrame, ctx: ImportContext) -> db.Counts:
    rows = frame.select(
        pl.col("person_id").cast(pl.Int64),
        pl.col("bank_name"),
        pl.col("holder_name"),
        pl.col("holder_relation"),
        pl.col("holder_id").alias("holder_id_plain"),
        db.hash_column(frame["holder_id"]).alias("holder_id_hash"),
        mask("holder_id", "id_number").alias("holder_id_masked"),
        pl.col("card_number").alias("card_number_plain"),
        db.hash_column(frame["card_number"]).alias("card_number_hash"),
        mask("card_number", "card").alias("card_number_masked"),
        pl.lit(True).alias("active"),
    )
    counts, _ = db.upsert(
        BankAccount,
        rows,
        keys=["person_id", "card_number_hash"],
        encrypted=["holder_id", "card_number"],
    )
    return counts
