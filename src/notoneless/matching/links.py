"""Tying register records to persons in bulk, with the person facts each record carries, as the imports
set them for links by ID: a poverty-register member gives the person their household and relation to its
head, a disability certificate makes them disabled, an orphan on the assistance lists makes them an orphan.
The engine links thousands at a time; a clerk's decision (``review.apply_link``) links one the same way."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.utils import timezone

from notoneless.matching.frames import REGISTERS
from notoneless.matching.models import RecordKind
from notoneless.registry.imports import db
from notoneless.registry.models import AssistanceRecord, Person, PovertyMember


def link_records(links: pl.DataFrame, method: str) -> None:
    """Tie records to persons (``kind``, ``record_id``, ``person_id``) and set the person facts the
    records carry, as the imports do for links by ID."""
    now = db.db_datetime(timezone.now())
    for kind, model in REGISTERS.items():
        mine = links.filter(pl.col("kind") == kind)
        if mine.height == 0:
            continue
        db.update(
            model,
            mine.select(
                pl.col("record_id").alias("id"),
                "person_id",
                pl.lit(method).alias("link_method"),
                pl.lit(now).alias("updated_at"),
            ),
        )
        _set_person_facts(kind, mine, now)


def _set_person_facts(kind: str, links: pl.DataFrame, now: Any) -> None:
    ids = links.select(pl.col("record_id").alias("id"), "person_id")
    if kind == RecordKind.HOUSEHOLDS:
        members = _record_columns(
            PovertyMember, ["id", "household_id", "relation_to_head"], ids["id"]
        )
        facts = ids.join(members, on="id").select(
            pl.col("person_id").alias("id"), "household_id", "relation_to_head"
        )
    elif kind == RecordKind.DISABILITY:
        facts = ids.select(pl.col("person_id").alias("id"), pl.lit(True).alias("disabled"))
    elif kind == RecordKind.ASSISTANCE:
        categories = _record_columns(AssistanceRecord, ["id", "category"], ids["id"])
        facts = (
            ids.join(categories, on="id")
            .filter(pl.col("category") == "orphan")
            .select(pl.col("person_id").alias("id"), pl.lit(True).alias("orphan"))
        )
    else:
        return
    facts = facts.unique("id", keep="last").with_columns(pl.lit(now).alias("updated_at"))
    db.update(Person, facts)


def _record_columns(model: type[db.Model], columns: list[str], ids: pl.Series) -> pl.DataFrame:
    return db.existing(model, columns, where=("id", ids)).with_columns(pl.col("id").cast(pl.Int64))
