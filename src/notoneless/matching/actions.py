"""Running the linkage engine over the registers held in the database (精准识别).

``run_matching`` reads the register records no valid ID linked at import and the students' persons into
frames, trains and scores the model (``engine``), and writes the outcome in bulk, in one transaction:

- candidate pairs (``CandidatePair``): linked automatically at or above the upper threshold, waiting for a
  clerk between the thresholds;
- the automatic links on the register records (``link_method = "probabilistic"``), with the person facts
  the records carry derived as the imports derive them (poverty register → household and relation;
  disability → disabled; an orphan on the assistance lists → orphan);
- the run (``MatchRun``) with the trained model, the counts and notes on what could not be used.

A clerk's decisions are remembered: accepted pairs stay applied (re-applied if a re-import untied the
record), rejected, unsure and undone pairs are neither linked nor asked again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from notoneless.audit.actions import record
from notoneless.matching import engine as linkage
from notoneless.matching.errors import MatchingRefused
from notoneless.matching.frames import LATIN_NAME, REGISTERS, read_sides
from notoneless.matching.links import link_records
from notoneless.matching.models import CandidatePair, MatchRun
from notoneless.registry.imports import db
from notoneless.registry.models import (
    RegisterRecord,
)

S = CandidatePair.Status
DECIDED = (S.ACCEPTED, S.REJECTED, S.UNSURE, S.UNDONE)
PROBABILISTIC = RegisterRecord.LinkMethod.PROBABILISTIC
MANUAL = RegisterRecord.LinkMethod.MANUAL


def run_matching(
    *,
    engine: str = MatchRun.Engine.DUCKDB,
    acting_user: Any,
    progress: Callable[[str], None] | None = None,
) -> MatchRun:
    """Match every unlinked register record against the students; see the module's docstring."""
    say = progress or (lambda _: None)
    if engine not in MatchRun.Engine.values:
        raise MatchingRefused(f"unknown engine {engine!r}; use one of {MatchRun.Engine.values}")
    db_api = _db_api(engine)
    started = timezone.now()
    with transaction.atomic():
        say("re-applying accepted pairs")
        decided = _decided_pairs()
        reapplied = _reapply_accepted(decided)
        say("reading registers and students")
        sides = read_sides()
        exclude = decided.filter(pl.col("status") != S.ACCEPTED).select("record_uid", "person_uid")
        linked = linkage.link(
            sides.records, sides.persons, exclude=exclude, db_api=db_api, progress=say
        )
        say("writing links and pairs")
        run = MatchRun.objects.create(
            engine=engine, acting_user=_user(acting_user), started_at=started, model=linked.model
        )
        pairs = _pairs(linked.pairs)
        _forget_open_pairs(pairs)
        _insert_pairs(run, pairs)
        link_records(pairs.filter(pl.col("status") == S.AUTO_LINKED), PROBABILISTIC)
        run.counts = _counts(pairs, reapplied, linked.scored_pairs)
        run.notes = [*linked.notes, *_what_was_not_usable(sides.records)]
        run.finished_at = timezone.now()
        run.save(update_fields=["counts", "notes", "finished_at"])
        record(
            "matching.run",
            acting_user=acting_user,
            object_type="MatchRun",
            object_id=run.pk,
            detail={"engine": engine, "counts": run.counts},
        )
    return run


def _user(acting_user: Any) -> Any:
    return acting_user if getattr(acting_user, "pk", None) else None


def _db_api(engine: str) -> Any:
    if engine == MatchRun.Engine.DUCKDB:
        return linkage.duckdb_api()
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise MatchingRefused(
            "the Spark engine needs the optional extra (pyspark); install it or use --engine duckdb"
        ) from exc
    return linkage.spark_api()


# --- decisions a clerk made ----------------------------------------------------------------------


def _decided_pairs() -> pl.DataFrame:
    rows = list(
        CandidatePair.objects.filter(status__in=DECIDED).values_list(
            "record_kind", "record_id", "person_id", "status"
        )
    )
    frame = pl.DataFrame(
        rows,
        schema={
            "kind": pl.String,
            "record_id": pl.Int64,
            "person_id": pl.Int64,
            "status": pl.String,
        },
        orient="row",
    )
    return frame.with_columns(
        pl.concat_str([pl.col("kind"), pl.col("record_id").cast(pl.String)], separator=":").alias(
            "record_uid"
        ),
        pl.col("person_id").cast(pl.String).alias("person_uid"),
    )


def _reapply_accepted(decided: pl.DataFrame) -> int:
    """Accepted pairs whose record lost its person (a re-import unties records it cannot link by ID)."""
    accepted = decided.filter(pl.col("status") == S.ACCEPTED)
    count = 0
    for kind, model in REGISTERS.items():
        mine = accepted.filter(pl.col("kind") == kind)
        if mine.height == 0:
            continue
        unlinked = db.read_frame(
            f"SELECT id FROM {db.quote(db.table(model))} WHERE person_id IS NULL",
            schema={"record_id": pl.Int64},
        )
        todo = mine.join(unlinked, on="record_id").unique("record_id", keep="last")
        link_records(todo.select("kind", "record_id", "person_id"), MANUAL)
        count += todo.height
    return count


# --- pairs -----------------------------------------------------------------------------------------


def _pairs(decided: pl.DataFrame) -> pl.DataFrame:
    """The engine's decisions as rows of ``CandidatePair`` (without run and id)."""
    kind_id = pl.col("record_uid").str.split_exact(":", 1)
    return decided.select(
        kind_id.struct.field("field_0").alias("kind"),
        kind_id.struct.field("field_1").cast(pl.Int64).alias("record_id"),
        pl.col("person_uid").cast(pl.Int64).alias("person_id"),
        "match_probability",
        "match_weight",
        "evidence",
        pl.when(pl.col("decision") == linkage.AUTO)
        .then(pl.lit(S.AUTO_LINKED.value))
        .otherwise(pl.lit(S.PENDING.value))
        .alias("status"),
        pl.col("reason").fill_null("").str.slice(0, 500).alias("note"),
    )


def _forget_open_pairs(pairs: pl.DataFrame) -> None:
    """Pairs no clerk decided are asked afresh: earlier runs' pending pairs go, and so do automatic links
    whose record is unlinked again (a re-import untied it) and which this run writes anew."""
    CandidatePair.objects.filter(status=S.PENDING).delete()
    stale = db.read_frame(
        f"SELECT id, record_kind, record_id, person_id FROM {db.quote(db.table(CandidatePair))} "
        "WHERE status = %s",
        [S.AUTO_LINKED.value],
        schema={"id": pl.Int64, "kind": pl.String, "record_id": pl.Int64, "person_id": pl.Int64},
    ).join(pairs.select("kind", "record_id", "person_id"), on=["kind", "record_id", "person_id"])
    ids = stale["id"].to_list()
    for start in range(0, len(ids), 10_000):
        CandidatePair.objects.filter(pk__in=ids[start : start + 10_000]).delete()


def _insert_pairs(run: MatchRun, pairs: pl.DataFrame) -> None:
    rows = pairs.select(
        pl.Series("id", db.reserve_ids(CandidatePair, pairs.height), dtype=pl.Int64),
        pl.lit(run.pk, dtype=pl.Int64).alias("run_id"),
        pl.col("kind").alias("record_kind"),
        "record_id",
        "person_id",
        "match_probability",
        "match_weight",
        "evidence",
        "status",
        pl.lit(None, dtype=pl.Int64).alias("decided_by_id"),
        pl.lit(None, dtype=pl.Datetime("us")).alias("decided_at"),
        "note",
    )
    db.insert(CandidatePair, rows)
    db.flush()


# --- what the run says -----------------------------------------------------------------------------


def _counts(pairs: pl.DataFrame, reapplied: int, scored: int) -> dict[str, Any]:
    """Per register: records, links by ID at import, probabilistic and manual links, pairs for review,
    records still unlinked; and totals."""
    per_kind: dict[str, dict[str, int]] = {}
    for kind, model in REGISTERS.items():
        methods = _link_methods(model)
        mine = pairs.filter(pl.col("kind") == kind)
        per_kind[kind] = {
            "records": sum(methods.values()),
            "exact": methods.get(RegisterRecord.LinkMethod.EXACT_ID, 0),
            "probabilistic": methods.get(PROBABILISTIC, 0),
            "manual": methods.get(MANUAL, 0),
            "new_links": mine.filter(pl.col("status") == S.AUTO_LINKED).height,
            "review": mine.filter(pl.col("status") == S.PENDING).height,
            "unlinked": methods.get("", 0),
        }
    totals = {
        key: sum(counts[key] for counts in per_kind.values())
        for key in (
            "records",
            "exact",
            "probabilistic",
            "manual",
            "new_links",
            "review",
            "unlinked",
        )
    }
    return {
        "registers": per_kind,
        **totals,
        "scored_pairs": scored,
        "reapplied_accepted": reapplied,
    }


def _link_methods(model: type[db.Model]) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT link_method, COUNT(*) FROM {db.quote(db.table(model))} GROUP BY link_method"
        )
        return {method or "": int(n) for method, n in cursor.fetchall()}


def _what_was_not_usable(records: pl.DataFrame) -> list[str]:
    """Plain sentences (English, then Chinese) on registers the engine could use only in part."""
    notes = []
    by_kind = records.group_by("record_kind").agg(
        pl.len().alias("n"),
        pl.col("id_number").is_null().sum().alias("no_id"),
        (pl.col("id_number").is_null() & pl.col("birth").is_null()).sum().alias("no_id_no_birth"),
        pl.col("name_norm").str.contains(LATIN_NAME).fill_null(False).sum().alias("latin"),
        pl.col("village").is_null().sum().alias("no_place"),
    )
    for row in by_kind.sort("record_kind").iter_rows(named=True):
        kind, n = row["record_kind"], row["n"]
        if row["no_id"] == n:
            notes.append(
                f"{kind}: none of the {n} unlinked records has a usable ID; matched on name, birth "
                f"date and place / 无可用身份证号，按姓名、出生日期和地址匹配"
            )
        if row["no_id_no_birth"]:
            notes.append(
                f"{kind}: {row['no_id_no_birth']} records have neither ID nor birth date; matched on "
                f"name and place only, most go to review / {row['no_id_no_birth']}条记录既无身份证号"
                f"也无出生日期，仅按姓名和地址匹配，多数需人工复核"
            )
        if row["no_place"]:
            notes.append(
                f"{kind}: {row['no_place']} records have no village in the division table (not given, "
                f"or written otherwise); matched without place / {row['no_place']}条记录的村未填写或"
                f"不在区划表中，匹配时未用地址"
            )
        if row["latin"]:
            notes.append(
                f"{kind}: {row['latin']} names are in Latin letters (pinyin?); compared by their "
                f"pinyin, never linked without a clerk / {row['latin']}个姓名为拼音或字母，按拼音比较，"
                f"须人工确认"
            )
    return notes
