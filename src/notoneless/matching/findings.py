"""Findings (核查线索) of a run, computed county-wide in Polars over frames read in a few SQL queries and
written back in bulk; no ORM per row. Each finding says in plain words why it was raised.

- ``missed-aid``: an enrolled student in a hardship group (the pack's ``hardship_group``) with no aid due;
- ``wrong-aid``: aid due whose program today's registers no longer support;
- ``out-of-school``: a child of compulsory school age on the household register, or in a registered-poor
  household, enrolled nowhere in the county and with no record of studying elsewhere;
- ``duplicate-enrolment``: a student holding a place at two schools in the term (one finding per school);
- ``unmatched``: a register record of a child of school-going age that matches no person, with the
  nearest candidates the engine scored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import polars as pl
from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from notoneless.aid import bulk, conditions
from notoneless.aid.explain import why_not
from notoneless.aid.models import AidTerm, Entitlement
from notoneless.aid.policy import Pack
from notoneless.audit.actions import record
from notoneless.matching.errors import MatchingRefused
from notoneless.matching.models import CandidatePair, Finding, MatchRun, RecordKind
from notoneless.matching.selectors import RECORD_MODELS
from notoneless.registry import choices, protection
from notoneless.registry.imports import db
from notoneless.registry.models import (
    Division,
    Enrollment,
    HardshipListRecord,
    Household,
    HukouRecord,
    Person,
    PovertyMember,
    School,
    Student,
    StudyElsewhereRecord,
    Term,
)
from notoneless.registry.school_age import school_age_rule

__all__ = ["KNOWN_STATUSES", "compute_findings"]

K = Finding.Kind
# a place in the term whose status says where the child is (not transferred, dropped out or graduated)
KNOWN_STATUSES = ("enrolled", "home_taught", "deferred", "exempted", "suspended")
REGISTERED_POOR = ("registered", "exited")
REASON_MAX = 500
NEAREST = 3
# school-going ages, as grades a child on time would be in: three preschool years before grade 1,
# three senior (or vocational) years after the last compulsory grade
PRESCHOOL_YEARS, SENIOR_YEARS = 3, 3

FINDING_SCHEMA = {
    "kind": pl.String,
    "person_id": pl.Int64,
    "record_kind": pl.String,
    "record_id": pl.Int64,
    "school_id": pl.Int64,
    "township_id": pl.Int64,
    "reason": pl.String,
    "detail": pl.String,
}


def _t(model: type) -> str:
    return db.quote(db.table(model))


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


BIRTH = "r.birth_date"


# --- the action ----------------------------------------------------------------------------------


def compute_findings(*, run: MatchRun, term_code: str, acting_user: Any) -> dict[str, int]:
    """Write the run's findings for the term (replacing any it had) and return their counts by kind.
    Verifications of out-of-school leads carry over to the same register record's new lead. Reasons
    are written in the county's language (``LANGUAGE_CODE``), whoever runs it."""
    with translation.override(settings.LANGUAGE_CODE):
        return _compute(run, term_code, acting_user)


def _compute(run: MatchRun, term_code: str, acting_user: Any) -> dict[str, int]:
    term = Term.objects.filter(code=term_code).first()
    if term is None:
        raise MatchingRefused(
            _("Term %(term)s has no student roster yet; import one first.") % {"term": term_code}
        )
    with transaction.atomic():
        schools = _schools()
        aid = _aid_frames(term)
        frames = [
            _missed_aid(term, aid, schools),
            _wrong_aid(term, aid, schools),
            _out_of_school(term, schools),
            _duplicate_enrolment(term, schools),
            _unmatched(term, schools),
        ]
        rows = pl.concat([f.select(list(FINDING_SCHEMA)).cast(FINDING_SCHEMA) for f in frames])  # type: ignore[arg-type]
        counts = {kind: rows.filter(pl.col("kind") == kind).height for kind in K.values}
        _replace(run, rows)
        run.counts = {**(run.counts or {}), "findings": counts, "findings_term": term.code}
        run.save(update_fields=["counts"])
        record(
            "matching.findings",
            acting_user=acting_user,
            object_type="MatchRun",
            object_id=run.pk,
            detail={"term": term.code, **counts},
        )
    return counts


def _replace(run: MatchRun, rows: pl.DataFrame) -> None:
    carried = _verified_leads()
    Finding.objects.filter(run=run).delete()
    if rows.height == 0:
        return
    rows = rows.join(carried, on=["kind", "record_kind", "record_id"], how="left")
    rows = rows.with_columns(
        pl.Series("id", db.reserve_ids(Finding, rows.height), dtype=pl.Int64),
        pl.lit(run.pk, dtype=pl.Int64).alias("run_id"),
        pl.col("record_kind").fill_null(""),
        pl.col("verification").fill_null(Finding.Verification.OPEN),
        pl.col("verification_note").fill_null(""),
    )
    db.insert(Finding, rows)


def _verified_leads() -> pl.DataFrame:
    """The latest verification of each register record's out-of-school lead, from earlier runs."""
    verified = (
        Finding.objects.filter(kind=K.OUT_OF_SCHOOL)
        .exclude(verification=Finding.Verification.OPEN)
        .order_by("verified_at")
        .values(
            "record_kind",
            "record_id",
            "verification",
            "verified_by_id",
            "verified_at",
            "verification_note",
        )
    )
    schema: dict[str, Any] = {
        "kind": pl.String,
        "record_kind": pl.String,
        "record_id": pl.Int64,
        "verification": pl.String,
        "verified_by_id": pl.Int64,
        "verified_at": pl.Datetime("us", "UTC"),
        "verification_note": pl.String,
    }
    rows = [{"kind": K.OUT_OF_SCHOOL.value, **row} for row in verified]
    frame = pl.DataFrame(rows, schema=schema)
    return frame.unique(["record_kind", "record_id"], keep="last")


def _finish(
    frame: pl.DataFrame, kind: str, reasons: list[str], details: list[dict[str, Any]]
) -> pl.DataFrame:
    """The finding columns: kind, the reason (cut to the column's size) and the detail as JSON."""
    return frame.with_columns(
        pl.lit(kind).alias("kind"),
        pl.Series("reason", [r[:REASON_MAX] for r in reasons], dtype=pl.String),
        pl.Series(
            "detail",
            [json.dumps(d, ensure_ascii=False, default=str) for d in details],
            dtype=pl.String,
        ),
    )


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema=FINDING_SCHEMA)


def _schools() -> pl.DataFrame:
    return db.read_frame(
        f"SELECT id, name, township_id FROM {_t(School)}",
        schema={"school_id": pl.Int64, "school_name": pl.String, "township_id": pl.Int64},
    )


# --- aid: missed and wrong -----------------------------------------------------------------------


@dataclass
class AidFrames:
    pack: Pack
    facts: pl.DataFrame  # today's facts of every student holding a place
    today: pl.DataFrame  # the pack evaluated on them
    stored: pl.DataFrame | None  # the term's entitlements; None when never computed


def _aid_frames(term: Term) -> AidFrames:
    from notoneless.aid.selectors import pack_for

    pack = pack_for(term.code)
    facts = bulk.read_facts(term.pk, term.school_year, term.season, pack)
    today = bulk.evaluate(facts, pack, term.code)
    stored = None
    if AidTerm.objects.filter(term=term).exists():
        stored = db.read_frame(
            f"SELECT student_id, program, status, basis, school_id FROM {_t(Entitlement)}"
            " WHERE term_id = %s",
            [term.pk],
            schema={
                "student_id": pl.Int64,
                "program": pl.String,
                "status": pl.String,
                "basis": pl.String,
                "school_id": pl.Int64,
            },
        )
    return AidFrames(pack, facts, today, stored)


def _hardship(pack: Pack) -> pl.Expr:
    """The pack's ``hardship_group``; a pack without one gets the five groups of the national matching."""
    node = pack.named.nodes.get("hardship_group")
    if node is not None:
        return conditions.expr(node, pack.named.nodes)
    return (
        pl.col("poverty_status").is_in(REGISTERED_POOR)
        | pl.col("dibao").is_in(["rural", "urban"])
        | pl.col("tekun")
        | pl.col("orphan")
        | pl.col("disabled")
    )


def _groups() -> pl.Expr:
    """Which of the five groups hold, in words."""
    parts = [
        (pl.col("poverty_status") == "registered", choices.PovertyStatus.REGISTERED.label),
        (pl.col("poverty_status") == "exited", choices.PovertyStatus.EXITED.label),
        (pl.col("dibao") == "rural", choices.Dibao.RURAL.label),
        (pl.col("dibao") == "urban", choices.Dibao.URBAN.label),
        (pl.col("tekun"), choices.AssistanceCategory.TEKUN.label),
        (pl.col("orphan"), choices.AssistanceCategory.ORPHAN.label),
        (pl.col("disabled"), choices.HardshipCategory.DISABLED.label),
    ]
    texts = [pl.when(cond.fill_null(False)).then(pl.lit(str(label))) for cond, label in parts]
    return pl.concat_str(texts, separator="、", ignore_nulls=True).fill_null("")


def _programs_by_student(rows: pl.DataFrame, alias: str) -> pl.DataFrame:
    return rows.group_by("student_id").agg(pl.col("program").sort().alias(alias))


def _missed_aid(term: Term, aid: AidFrames, schools: pl.DataFrame) -> pl.DataFrame:
    hard = aid.facts.filter(_hardship(aid.pack)).with_columns(_groups().alias("groups"))
    due_today = aid.today.filter(pl.col("status") == "due")
    computed = aid.stored is not None
    due = aid.stored.filter(pl.col("status") == "due") if aid.stored is not None else due_today
    missed = hard.join(due.select("student_id").unique(), on="student_id", how="anti")
    if missed.height == 0:
        return _empty()
    over = (
        aid.stored.filter(pl.col("status") == "over_quota")
        if aid.stored is not None
        else (aid.today.filter(pl.col("status") == "over_quota"))
    )
    missed = missed.join(_programs_by_student(due_today, "would"), on="student_id", how="left")
    missed = missed.join(_programs_by_student(over, "over"), on="student_id", how="left")
    missed = missed.join(schools.select("school_id", "township_id"), on="school_id", how="left")
    reasons, details = [], []
    for row in missed.iter_rows(named=True):
        would, over_quota = row["would"] or [], row["over"] or []
        reasons.append(_missed_reason(term, aid.pack, row["groups"], would, over_quota, computed))
        details.append(
            {
                "term": term.code,
                "student_id": row["student_id"],
                "groups": row["groups"],
                "would_apply": would,
                "over_quota": over_quota,
                "term_computed": computed,
            }
        )
    missed = missed.with_columns(
        pl.lit("").alias("record_kind"), pl.lit(None, dtype=pl.Int64).alias("record_id")
    )
    return _finish(missed, K.MISSED_AID, reasons, details)


def _names(pack: Pack, codes: list[str]) -> str:
    return "、".join(pack.by_code[c].spec.name if c in pack.by_code else c for c in codes)


def _missed_reason(
    term: Term, pack: Pack, groups: str, would: list[str], over: list[str], computed: bool
) -> str:
    reason = _("In a hardship group (%(groups)s) but no aid is due in %(term)s") % {
        "groups": groups,
        "term": term.code,
    }
    if over:
        reason += _(": not funded within the school's quota (%(programs)s)") % {
            "programs": _names(pack, over)
        }
    elif would and computed:
        reason += _(
            ": on today's registers %(programs)s would apply; the term was computed before the "
            "facts changed, compute it again"
        ) % {"programs": _names(pack, would)}
    else:
        reason += _(": no program of the policy pack covers the student's stage and circumstances")
    if not computed:
        reason += _(
            " (the term has not been computed: judged by evaluating the pack on today's facts)"
        )
    return reason


def _wrong_aid(term: Term, aid: AidFrames, schools: pl.DataFrame) -> pl.DataFrame:
    if aid.stored is None:
        return _empty()
    due = aid.stored.filter(pl.col("status") == "due")
    wrong = due.join(
        aid.today.select("student_id", "program"), on=["student_id", "program"], how="anti"
    )
    if wrong.height == 0:
        return _empty()
    facts = {
        row["student_id"]: row
        for row in aid.facts.filter(
            pl.col("student_id").is_in(wrong["student_id"].implode())
        ).iter_rows(named=True)
    }
    persons = dict(
        Student.objects.filter(pk__in=wrong["student_id"].unique().to_list()).values_list(
            "pk", "person_id"
        )
    )
    reasons, details, person_ids = [], [], []
    for row in wrong.iter_rows(named=True):
        because = _why_unsupported(term, aid.pack, row["program"], facts.get(row["student_id"]))
        reasons.append(
            _(
                "%(program)s is due (basis: %(basis)s) but today's registers do not support it: %(why)s"
            )
            % {
                "program": _names(aid.pack, [row["program"]]),
                "basis": row["basis"] or "-",
                "why": because,
            }
        )
        details.append(
            {
                "term": term.code,
                "student_id": row["student_id"],
                "program": row["program"],
                "basis": row["basis"],
                "why": because,
            }
        )
        person_ids.append(persons.get(row["student_id"]))
    wrong = wrong.with_columns(
        pl.Series("person_id", person_ids, dtype=pl.Int64),
        pl.lit("").alias("record_kind"),
        pl.lit(None, dtype=pl.Int64).alias("record_id"),
    ).join(schools.select("school_id", "township_id"), on="school_id", how="left")
    return _finish(wrong, K.WRONG_AID, reasons, details)


def _why_unsupported(term: Term, pack: Pack, code: str, row: dict[str, Any] | None) -> str:
    program = pack.by_code.get(code)
    if row is None:
        return _("the student no longer holds a place in the term")
    if program is None or program not in pack.programs_in(term.code) or program.when is None:
        return _("the program is not in the term's policy pack")
    if row["stage"] not in program.spec.stages:
        return _("the student is now at another stage (%(stage)s)") % {
            "stage": choices.Stage(row["stage"]).label
            if row["stage"] in choices.Stage.values
            else row["stage"]
        }
    return why_not(program.when, row, pack.named)


# --- out of school -------------------------------------------------------------------------------


CHILD_SCHEMA = {
    "record_id": pl.Int64,
    "person_id": pl.Int64,
    "name_norm": pl.String,
    "name_pinyin": pl.String,
    "birth_date": pl.Date,
    "id_number_hash": pl.String,
    "village_id": pl.Int64,
    "township_id": pl.Int64,
    "village_name": pl.String,
}


def _register_children(term: Term) -> pl.DataFrame:
    """Children on the household register and members of registered-poor households, with a birth
    date; the household register first."""
    division = _t(Division)
    # every row of the household-register extract is a school-age child: one without a birth date
    # takes it from its ID's date part, even when the ID is damaged, else stays of unknown age
    hukou = db.read_frame(
        f"SELECT r.id, r.person_id, r.name_norm, r.name_pinyin, {BIRTH}, r.id_number_hash, r.village_id,"
        f" v.parent_id, v.name FROM {_t(HukouRecord)} r LEFT JOIN {division} v ON v.id = r.village_id",
        schema=CHILD_SCHEMA,
    ).with_columns(pl.lit(RecordKind.HUKOU.value).alias("record_kind"))
    hukou = _birth_from_damaged_ids(hukou)
    poor = db.read_frame(
        f"SELECT r.id, r.person_id, r.name_norm, r.name_pinyin, {BIRTH}, r.id_number_hash,"
        f" COALESCE(r.village_id, h.village_id), v.parent_id, v.name"
        f" FROM {_t(PovertyMember)} r JOIN {_t(Household)} h ON h.id = r.household_id"
        f" LEFT JOIN {division} v ON v.id = COALESCE(r.village_id, h.village_id)"
        f" WHERE r.birth_date IS NOT NULL AND h.poverty_status IN ({_in(REGISTERED_POOR)})",
        schema=CHILD_SCHEMA,
    ).with_columns(pl.lit(RecordKind.HOUSEHOLDS.value).alias("record_kind"))
    return pl.concat([hukou, poor])


def _birth_from_damaged_ids(frame: pl.DataFrame) -> pl.DataFrame:
    """Birth dates of rows that have none, read from the date part of their ID (decrypted only for
    those rows) when it is a real date; a damaged check character or serial does not matter here."""
    missing = frame.filter(pl.col("birth_date").is_null())["record_id"].to_list()
    if not missing:
        return frame
    tokens = HukouRecord.objects.filter(pk__in=missing).exclude(id_number_enc="")
    found = {}
    for pk, token in tokens.values_list("pk", "id_number_enc"):
        digits = protection.decrypt(token)[6:14]
        try:
            found[pk] = datetime.strptime(digits, "%Y%m%d").date()
        except ValueError:
            continue
    if not found:
        return frame
    births = pl.DataFrame(
        {"record_id": list(found), "_id_birth": list(found.values())},
        schema={"record_id": pl.Int64, "_id_birth": pl.Date},
    )
    return (
        frame.join(births, on="record_id", how="left")
        .with_columns(pl.coalesce("birth_date", "_id_birth").alias("birth_date"))
        .drop("_id_birth")
    )


def _awaiting_review() -> pl.Series:
    """Household-register rows with a pair still waiting for a clerk: the child may be enrolled, so
    the row is a lead only once the clerk has decided."""
    ids = CandidatePair.objects.filter(
        record_kind=RecordKind.HUKOU,
        status__in=[CandidatePair.Status.PENDING, CandidatePair.Status.UNSURE],
    ).values_list("record_id", flat=True)
    return pl.Series("record_id", list(ids), dtype=pl.Int64)


def _school_age(frame: pl.DataFrame, term: Term) -> pl.DataFrame:
    """``compulsory`` and ``expected_grade`` on the term's first day, by the registry's rule, worked out
    once per distinct birth date."""
    rule = school_age_rule()
    births: list[date] = frame["birth_date"].drop_nulls().unique().to_list()
    table = pl.DataFrame(
        {
            "birth_date": births,
            "compulsory": [rule.is_compulsory_age(b, term.start_date) for b in births],
            "expected_grade": [rule.expected_grade(b, term.school_year) for b in births],
        },
        schema={"birth_date": pl.Date, "compulsory": pl.Boolean, "expected_grade": pl.Int64},
    )
    return frame.join(table, on="birth_date", how="left")


def _placed(term: Term) -> pl.DataFrame:
    """Persons with a place in the term whose status says where they are, with their ID hash."""
    return db.read_frame(
        f"SELECT DISTINCT st.person_id, p.id_number_hash FROM {_t(Enrollment)} e"
        f" JOIN {_t(Student)} st ON st.id = e.student_id JOIN {_t(Person)} p ON p.id = st.person_id"
        f" WHERE e.term_id = %s AND e.status IN ({_in(KNOWN_STATUSES)})",
        [term.pk],
        schema={"person_id": pl.Int64, "id_number_hash": pl.String},
    )


def _past_compulsory() -> pl.Series:
    """Persons who finished the last compulsory grade or went on to a later stage."""
    frame = db.read_frame(
        f"SELECT DISTINCT st.person_id FROM {_t(Enrollment)} e JOIN {_t(Student)} st"
        " ON st.id = e.student_id WHERE (e.stage = 'junior' AND e.status = 'graduated')"
        " OR e.stage IN ('senior', 'vocational', 'university')",
        schema={"person_id": pl.Int64},
    )
    return frame["person_id"]


def _elsewhere(term: Term) -> pl.DataFrame:
    return db.read_frame(
        f"SELECT person_id, id_number_hash, name_norm, name_pinyin, {BIRTH}, village_id"
        f" FROM {_t(StudyElsewhereRecord)} r WHERE term_id IS NULL OR term_id = %s",
        [term.pk],
        schema={
            "person_id": pl.Int64,
            "id_number_hash": pl.String,
            "name_norm": pl.String,
            "name_pinyin": pl.String,
            "birth_date": pl.Date,
            "village_id": pl.Int64,
        },
    )


def _hashes(frame: pl.DataFrame) -> pl.Series:
    return frame["id_number_hash"].drop_nulls().filter(frame["id_number_hash"].drop_nulls() != "")


def _accounted_for(term: Term) -> tuple[pl.Expr, list[tuple[list[str], pl.DataFrame]]]:
    """A condition on a register record: enrolled in the county (by its link, or by the same ID), past
    compulsory school, or studying elsewhere (by person or ID); and the keys of the records of studying
    elsewhere to join on: name and birth date, or (for a homophone) pinyin, birth date and village."""
    placed, elsewhere = _placed(term), _elsewhere(term)
    has_hash = pl.col("id_number_hash").fill_null("") != ""
    condition = (
        pl.col("person_id").is_in(placed["person_id"].implode())
        | (has_hash & pl.col("id_number_hash").is_in(_hashes(placed).implode()))
        | pl.col("person_id").is_in(_past_compulsory().implode())
        | pl.col("person_id").is_in(elsewhere["person_id"].drop_nulls().implode())
        | (has_hash & pl.col("id_number_hash").is_in(_hashes(elsewhere).implode()))
    )
    keys = [["name_norm", "birth_date"], ["name_pinyin", "birth_date", "village_id"]]
    frames = [
        (key, elsewhere.select(key).drop_nulls().unique().with_columns(pl.lit(True).alias("_away")))
        for key in keys
    ]
    return condition, frames


def _not_elsewhere(
    children: pl.DataFrame, frames: list[tuple[list[str], pl.DataFrame]]
) -> pl.DataFrame:
    for key, frame in frames:
        children = children.join(frame, on=key, how="left").filter(pl.col("_away").is_null())
        children = children.drop("_away")
    return children


def _out_of_school(term: Term, schools: pl.DataFrame) -> pl.DataFrame:
    unknown_age = pl.col("birth_date").is_null()
    children = _school_age(_register_children(term), term)
    children = children.filter(
        (pl.col("compulsory").fill_null(False) | unknown_age)
        & ~(
            (pl.col("record_kind") == RecordKind.HUKOU)
            & pl.col("record_id").is_in(_awaiting_review().implode())
        )
    )
    accounted, elsewhere = _accounted_for(term)
    children = _not_elsewhere(children.filter(~accounted.fill_null(False)), elsewhere)
    children = children.join(_last_places(children["person_id"]), on="person_id", how="left")
    children = children.filter(_school_age_cohort() | _left_early() | unknown_age)
    children = _one_per_child(children)
    if children.height == 0:
        return _empty()
    reasons, details = [], []
    for row in children.iter_rows(named=True):
        reasons.append(_out_of_school_reason(term, row))
        details.append(
            {
                "term": term.code,
                "registers": row["registers"],
                "records": row["records"],
                "expected_grade": row["expected_grade"],
                "village": row["village_name"],
                "last_term": row["last_term"],
                "last_status": row["last_status"],
            }
        )
    children = children.with_columns(pl.col("last_school_id").alias("school_id"))
    return _finish(children, K.OUT_OF_SCHOOL, reasons, details)


def _school_age_cohort() -> pl.Expr:
    """On time, the child would be in a compulsory grade now. A child past the last grade's cohort
    who never enrolled would have completed it: not a lead (a county's school-age ledger counts
    cohorts)."""
    return pl.col("expected_grade").is_between(1, school_age_rule().last_grade)


def _left_early() -> pl.Expr:
    """Still under the end age, last seen at a compulsory stage without graduating: a dropout."""
    return pl.col("last_stage").is_in(["primary", "junior"]) & (
        pl.col("last_status") != "graduated"
    )


def _one_per_child(children: pl.DataFrame) -> pl.DataFrame:
    """A child on both registers is one lead: the same ID, else the same linked person, else the same
    name, birth date and village; the household-register record stands for it."""
    key = (
        pl.when(pl.col("id_number_hash").fill_null("") != "")
        .then(pl.lit("h:") + pl.col("id_number_hash"))
        .when(pl.col("person_id").is_not_null())
        .then(pl.lit("p:") + pl.col("person_id").cast(pl.String))
        .otherwise(
            pl.concat_str(
                [
                    pl.lit("n:"),
                    pl.col("name_norm"),
                    # a row of unknown age is its own lead: two such rows may be two children
                    pl.col("birth_date")
                    .cast(pl.String)
                    .fill_null(
                        pl.lit("?") + pl.col("record_kind") + pl.col("record_id").cast(pl.String)
                    ),
                    pl.col("village_id").cast(pl.String).fill_null(""),
                ],
                separator="|",
            )
        )
    )
    order = pl.col("record_kind").replace_strict(
        {RecordKind.HUKOU.value: 0, RecordKind.HOUSEHOLDS.value: 1}, default=2
    )
    children = children.with_columns(key.alias("_key"), order.alias("_order")).sort(
        "_order", "record_id"
    )
    grouped = children.group_by("_key", maintain_order=True).agg(
        pl.all().first(),
        pl.col("record_kind").unique(maintain_order=True).alias("registers"),
        pl.concat_str(
            [pl.col("record_kind"), pl.col("record_id").cast(pl.String)], separator=":"
        ).alias("records"),
        pl.col("person_id").drop_nulls().first().alias("_any_person"),
    )
    return grouped.with_columns(pl.coalesce("person_id", "_any_person").alias("person_id"))


def _last_places(person_ids: pl.Series) -> pl.DataFrame:
    """The last place a linked child held before (school, term, status)."""
    ids = person_ids.drop_nulls().unique().to_list()
    rows = (
        Enrollment.objects.filter(student__person_id__in=ids)
        .order_by("term__start_date", "pk")
        .values_list("student__person_id", "school_id", "term__code", "status", "stage")
    )
    frame = pl.DataFrame(
        list(rows),
        schema={
            "person_id": pl.Int64,
            "last_school_id": pl.Int64,
            "last_term": pl.String,
            "last_status": pl.String,
            "last_stage": pl.String,
        },
        orient="row",
    )
    return frame.unique("person_id", keep="last")


def _out_of_school_reason(term: Term, row: dict[str, Any]) -> str:
    registers = "、".join(str(RecordKind(k).label) for k in row["registers"])
    if row["birth_date"] is None:
        return _(
            "On the %(registers)s with no birth date and no readable ID (age unknown: verify), "
            "enrolled at no school of the county in %(term)s and with no record of studying elsewhere"
        ) % {"registers": registers, "term": term.code}
    grade = min(max(int(row["expected_grade"] or 1), 1), school_age_rule().last_grade)
    reason = _(
        "Of compulsory school age (grade %(grade)s expected) on the %(registers)s, enrolled at no "
        "school of the county in %(term)s and with no record of studying elsewhere"
    ) % {"grade": grade, "registers": registers, "term": term.code}
    if row["last_term"]:
        status = row["last_status"]
        label = (
            choices.EnrollmentStatus(status).label
            if status in choices.EnrollmentStatus.values
            else status
        )
        reason += _("; last on a roster in %(last)s (%(status)s)") % {
            "last": row["last_term"],
            "status": label,
        }
    return reason


# --- duplicate enrolment -------------------------------------------------------------------------


def _duplicate_enrolment(term: Term, schools: pl.DataFrame) -> pl.DataFrame:
    places = db.read_frame(
        f"SELECT e.student_id, st.person_id, e.school_id FROM {_t(Enrollment)} e"
        f" JOIN {_t(Student)} st ON st.id = e.student_id"
        f" WHERE e.term_id = %s AND e.status IN ({_in(bulk.ACTIVE)})",
        [term.pk],
        schema={"student_id": pl.Int64, "person_id": pl.Int64, "school_id": pl.Int64},
    ).unique(["student_id", "school_id"])
    places = places.filter(pl.col("student_id").count().over("student_id") > 1)
    if places.height == 0:
        return _empty()
    places = places.join(schools, on="school_id", how="left").sort("student_id", "school_id")
    everywhere = places.group_by("student_id").agg(pl.col("school_name").alias("_all"))
    places = places.join(everywhere, on="student_id")
    reasons, details = [], []
    for row in places.iter_rows(named=True):
        others = [n for n in row["_all"] if n != row["school_name"]]
        reasons.append(
            _("Holds a place at two schools in %(term)s: also at %(others)s")
            % {"term": term.code, "others": "、".join(others)}
        )
        details.append({"term": term.code, "student_id": row["student_id"], "schools": row["_all"]})
    places = places.with_columns(
        pl.lit("").alias("record_kind"), pl.lit(None, dtype=pl.Int64).alias("record_id")
    )
    return _finish(places, K.DUPLICATE_ENROLMENT, reasons, details)


# --- unmatched -----------------------------------------------------------------------------------


UNMATCHED_SCHEMA = {
    "record_id": pl.Int64,
    "name": pl.String,
    "birth_date": pl.Date,
    "township_id": pl.Int64,
    "school_id": pl.Int64,
}


def _unlinked(kind: str) -> pl.DataFrame:
    model = RECORD_MODELS[kind]
    school = "NULL"
    join = ""
    if model is HardshipListRecord:
        school, join = "s.id", f" LEFT JOIN {_t(School)} s ON s.code = r.school_code"
    township = "COALESCE(v.parent_id, s.township_id)" if join else "v.parent_id"
    return db.read_frame(
        f"SELECT r.id, r.name, {BIRTH}, {township}, {school} FROM {_t(model)} r"
        f" LEFT JOIN {_t(Division)} v ON v.id = r.village_id{join} WHERE r.person_id IS NULL",
        schema=UNMATCHED_SCHEMA,
    ).with_columns(pl.lit(kind).alias("record_kind"))


def _nearest() -> pl.DataFrame:
    """The best candidates the engine scored for each record, best first."""
    pairs = db.read_frame(
        f"SELECT c.record_kind, c.record_id, c.person_id, p.name, c.match_probability, c.status"
        f" FROM {_t(CandidatePair)} c JOIN {_t(Person)} p ON p.id = c.person_id",
        schema={
            "record_kind": pl.String,
            "record_id": pl.Int64,
            "person_id": pl.Int64,
            "person_name": pl.String,
            "probability": pl.Float64,
            "status": pl.String,
        },
    )
    pairs = pairs.sort("probability", descending=True).unique(
        ["record_kind", "record_id", "person_id"], keep="first", maintain_order=True
    )
    return pairs.group_by("record_kind", "record_id", maintain_order=True).agg(
        pl.struct("person_id", "person_name", "probability", "status")
        .head(NEAREST)
        .alias("nearest")
    )


def _unmatched(term: Term, schools: pl.DataFrame) -> pl.DataFrame:
    frames = [_unlinked(kind) for kind in RECORD_MODELS]
    records = pl.concat(frames)
    records = _school_age(records, term)
    rule = school_age_rule()
    grade = pl.col("expected_grade")
    school_going = grade.is_null() | grade.is_between(
        1 - PRESCHOOL_YEARS, rule.last_grade + SENIOR_YEARS
    )
    records = records.filter(school_going)
    if records.height == 0:
        return _empty()
    records = records.join(_nearest(), on=["record_kind", "record_id"], how="left")
    reasons, details = [], []
    for row in records.iter_rows(named=True):
        nearest = row["nearest"] or []
        register = str(RecordKind(row["record_kind"]).label)
        if nearest:
            names = "、".join(f"{c['person_name']} ({c['probability']:.0%})" for c in nearest)
            reasons.append(
                _("This %(register)s record matches no student; nearest: %(names)s")
                % {"register": register, "names": names}
            )
        else:
            reasons.append(
                _("This %(register)s record matches no student; the engine found no candidate")
                % {"register": register}
            )
        details.append({"term": term.code, "name": row["name"], "nearest": nearest})
    records = records.with_columns(pl.lit(None, dtype=pl.Int64).alias("person_id"))
    return _finish(records, K.UNMATCHED, reasons, details)
