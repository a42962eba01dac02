"""``aid compute``: the entitlements of a term, idempotent, with what changed since the last run and why."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notoneless.aid import bulk, packs_store
from notoneless.aid.errors import AidRefused
from notoneless.aid.facts import FACTS
from notoneless.aid.models import AidTerm, ComputeRun, Entitlement, SchoolList
from notoneless.aid.policy import Pack
from notoneless.audit.actions import record
from notoneless.registry.imports import db
from notoneless.registry.models import Term

COMPARED = ["school_id", "stage", "grade", "class_name", "amount_fen", "payee", "status", "basis"]
SAMPLE = 20


@dataclass
class ComputeOutcome:
    aid_term: AidTerm
    run: ComputeRun
    students: int
    added: int = 0
    removed: int = 0
    changed: int = 0
    unchanged: int = 0
    per_program: dict[str, dict[str, int]] = field(default_factory=dict)
    samples: list[dict[str, Any]] = field(default_factory=list)
    reopened_schools: int = 0


def open_aid_term(term: Term, acting_user: Any, snapshot_date: date | None = None) -> AidTerm:
    """The term's aid cycle, opened with the active pack covering it (the shipped default if none)."""
    found = AidTerm.objects.select_related("term", "pack").filter(term=term).first()
    if found:
        return found
    stored = packs_store.active_pack_for(term.code) or packs_store.default_pack(acting_user)
    if not packs_store.load(stored).covers(term.code):
        raise AidRefused(_("No active policy pack covers term %(term)s.") % {"term": term.code})
    return AidTerm.objects.create(
        term=term,
        pack=stored,
        snapshot_date=snapshot_date or term.start_date + timedelta(days=30),
    )


def compute_term(
    *, term_code: str, acting_user: Any, snapshot_date: date | None = None
) -> ComputeOutcome:
    term = Term.objects.filter(code=term_code).first()
    if term is None:
        raise AidRefused(
            _("Term %(term)s has no student roster yet; import one first.") % {"term": term_code}
        )
    started = timezone.now()
    with transaction.atomic():
        aid_term = open_aid_term(term, acting_user, snapshot_date)
        aid_term = (
            AidTerm.objects.select_for_update().select_related("term", "pack").get(pk=aid_term.pk)
        )
        if aid_term.state != AidTerm.State.OPEN:
            raise AidRefused(
                _(
                    "Term %(term)s is %(state)s: its entitlements are frozen; correct them with an adjustment."
                )
                % {"term": term_code, "state": aid_term.get_state_display()}
            )
        pack = packs_store.load(aid_term.pack)
        facts = bulk.read_facts(term.pk, term.school_year, term.season, pack)
        new = bulk.evaluate(facts, pack, term.code)
        outcome = _write(aid_term, pack, facts, new, acting_user, started)
    return outcome


def _write(
    aid_term: AidTerm,
    pack: Pack,
    facts: pl.DataFrame,
    new: pl.DataFrame,
    acting_user: Any,
    started: Any,
) -> ComputeOutcome:
    old = _existing(aid_term)
    key = ["student_id", "program"]
    both = new.join(old, on=key, how="inner", suffix="_old")
    differs = pl.any_horizontal([pl.col(c).ne_missing(pl.col(f"{c}_old")) for c in COMPARED])
    changed = both.filter(differs)
    added = new.join(old, on=key, how="anti")
    removed = old.join(new, on=key, how="anti")
    previous = aid_term.runs.order_by("-number").first()
    _insert(aid_term, added)
    _update(changed)
    _delete(removed)
    samples = _samples(added, removed, changed, facts, previous, pack)
    reopened = _reopen_lists(
        aid_term,
        pl.concat(
            [
                added["school_id"],
                removed["school_id"],
                changed["school_id"],
                changed["school_id_old"],
            ]
        ),
    )
    outcome = ComputeOutcome(
        aid_term=aid_term,
        run=_record_run(
            aid_term,
            facts,
            new,
            acting_user,
            started,
            previous,
            samples,
            (added.height, removed.height, changed.height),
        ),
        students=facts.height,
        added=added.height,
        removed=removed.height,
        changed=changed.height,
        unchanged=both.height - changed.height,
        per_program=_per_program(new),
        samples=samples,
        reopened_schools=reopened,
    )
    record(
        "aid.compute",
        acting_user=acting_user,
        object_type="AidTerm",
        object_id=aid_term.pk,
        detail={
            "term": aid_term.term.code,
            "run": outcome.run.number,
            "added": outcome.added,
            "removed": outcome.removed,
            "changed": outcome.changed,
        },
    )
    return outcome


def _existing(aid_term: AidTerm) -> pl.DataFrame:
    frame = db.read_frame(
        f"SELECT id, student_id, program, {', '.join(COMPARED)}"
        f" FROM {db.quote(db.table(Entitlement))} WHERE aid_term_id = %s",
        [aid_term.pk],
        schema={"id": pl.Int64, **bulk.ENTITLEMENT_SCHEMA},
    )
    return frame


def _insert(aid_term: AidTerm, rows: pl.DataFrame) -> None:
    if rows.height == 0:
        return
    now = db.db_datetime(timezone.now())
    rows = rows.with_columns(
        pl.Series("id", db.reserve_ids(Entitlement, rows.height), dtype=pl.Int64),
        pl.lit(aid_term.pk).alias("aid_term_id"),
        pl.lit(aid_term.term_id).alias("term_id"),
        pl.lit(now).alias("created_at"),
        pl.lit(now).alias("updated_at"),
    )
    db.insert(Entitlement, rows)


def _update(changed: pl.DataFrame) -> None:
    now = db.db_datetime(timezone.now())
    db.update(
        Entitlement, changed.select("id", *COMPARED).with_columns(pl.lit(now).alias("updated_at"))
    )


def _delete(removed: pl.DataFrame) -> None:
    ids = removed["id"].to_list()
    for start in range(0, len(ids), 5000):
        Entitlement.objects.filter(id__in=ids[start : start + 5000]).delete()


def _reopen_lists(aid_term: AidTerm, schools: pl.Series) -> int:
    """A submitted list whose entitlements changed goes back to the school to check again."""
    ids = schools.drop_nulls().unique().to_list()
    return SchoolList.objects.filter(
        aid_term=aid_term, school_id__in=ids, state=SchoolList.State.SUBMITTED
    ).update(state=SchoolList.State.DRAFT, note=_("Recomputed: the list changed; check it again."))


def _per_program(rows: pl.DataFrame) -> dict[str, dict[str, int]]:
    stats = rows.group_by("program", "status").agg(
        pl.len().alias("count"), pl.col("amount_fen").sum().alias("fen")
    )
    out: dict[str, dict[str, int]] = {}
    for program, status, count, fen in stats.iter_rows():
        entry = out.setdefault(program, {"count": 0, "fen": 0, "over_quota": 0})
        if status == "due":
            entry["count"] += count
            entry["fen"] += int(fen)
        else:
            entry["over_quota"] += count
    return out


def _record_run(
    aid_term: AidTerm,
    facts: pl.DataFrame,
    new: pl.DataFrame,
    acting_user: Any,
    started: Any,
    previous: ComputeRun | None,
    samples: list[dict[str, Any]],
    counts: tuple[int, int, int],
) -> ComputeRun:
    blob = bulk.to_parquet(facts)
    return ComputeRun.objects.create(
        aid_term=aid_term,
        number=(previous.number + 1) if previous else 1,
        acting_user=acting_user if getattr(acting_user, "pk", None) else None,
        started_at=started,
        finished_at=timezone.now(),
        facts=blob,
        facts_sha256=hashlib.sha256(blob).hexdigest(),
        summary=_per_program(new),
        changes={
            "added": counts[0],
            "removed": counts[1],
            "changed": counts[2],
            "samples": samples,
        },
    )


def _samples(
    added: pl.DataFrame,
    removed: pl.DataFrame,
    changed: pl.DataFrame,
    facts: pl.DataFrame,
    previous: ComputeRun | None,
    pack: Pack,
) -> list[dict[str, Any]]:
    """Up to SAMPLE examples of each kind of change, each with the facts that changed for the student."""
    if previous is None:
        return []
    before = bulk.from_parquet(previous.facts)
    out = []
    for what, frame in (("added", added), ("removed", removed), ("changed", changed)):
        for row in frame.head(SAMPLE).iter_rows(named=True):
            out.append(
                {
                    "change": what,
                    "student_id": row["student_id"],
                    "program": row["program"],
                    "name": pack.by_code[row["program"]].spec.name,
                    "reason": fact_changes(before, facts, row["student_id"]),
                }
            )
    return out


def fact_changes(before: pl.DataFrame, after: pl.DataFrame, student_id: int) -> str:
    old = before.filter(pl.col("student_id") == student_id)
    new = after.filter(pl.col("student_id") == student_id)
    if old.height == 0 and new.height == 0:
        return _("not enrolled in the term")
    if old.height == 0:
        return _("newly enrolled in the term")
    if new.height == 0:
        return _("no longer enrolled in the term")
    a, b = old.row(0, named=True), new.row(0, named=True)
    changes = [
        f"{fact.label}: {fact.show(a.get(name))} → {fact.show(b.get(name))}"
        for name, fact in FACTS.items()
        if a.get(name) != b.get(name)
    ]
    if a.get("school_id") != b.get("school_id"):
        changes.append(str(_("moved to another school")))
    return "；".join(changes) or _("the policy pack or amounts changed")
