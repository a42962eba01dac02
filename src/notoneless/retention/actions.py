"""The dropout scan (控辍保学排查): opens, refreshes, escalates and settles cases from the rules.

One scan reads the school year holding the scan date (its terms' school days so far), the term's places,
the absences, the transfers and the confirmed out-of-school findings as frames, and writes the cases
back in bulk: a new case gets its persuasion steps (from the rules) and its named people (from the
county's assignment table). Idempotent: the same data scanned twice changes nothing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from notoneless.audit.actions import record
from notoneless.registry.imports import db
from notoneless.registry.models import Enrollment, Person, School, Student, Term
from notoneless.retention import bulk, triggers
from notoneless.retention.dropout_rules import DropoutRules, default_rules
from notoneless.retention.errors import RetentionRefused
from notoneless.retention.models import Case, CaseParty, CaseStep, ScanRun
from notoneless.retention.responsibles import people_for

__all__ = ["NoTerm", "ScanResult", "scan"]

T = Case.Trigger


class NoTerm(RetentionRefused, LookupError):
    """No term holds the scan date."""


@dataclass(frozen=True)
class ScanResult:
    as_of: date
    term: str
    opened: int
    updated: int
    unchanged: int
    escalated: int
    settled: int

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "as_of": self.as_of.isoformat()}


def _term_of(as_of: date) -> Term:
    term = (
        Term.objects.filter(start_date__lte=as_of, end_date__gte=as_of)
        .order_by("-start_date")
        .first()
    )
    if term is None:
        raise NoTerm(f"没有包含该日期的学期 / no term holds {as_of.isoformat()}")
    return term


def _year_terms(term: Term, as_of: date) -> list[Term]:
    return list(
        Term.objects.filter(school_year=term.school_year, start_date__lte=as_of).order_by(
            "start_date"
        )
    )


def _year_days(terms: Iterable[Term], as_of: date) -> pl.DataFrame:
    """The school days of the year's terms up to ``as_of``, numbered across the year, so a run of
    unexcused days continues over the winter holiday."""
    frames = [bulk.school_days(t.start_date, min(t.end_date, as_of)).drop("day") for t in terms]
    return pl.concat(frames).unique("date").sort("date").with_row_index("day")


# --- what the rules find, as one frame -----------------------------------------------------------


def _absence_detail(row: dict[str, Any], rules: DropoutRules) -> dict[str, Any]:
    threshold = (
        rules.consecutive_unexcused_days
        if row["trigger"] == T.CONSECUTIVE
        else rules.unexcused_days_in_month
    )
    detail = {
        "days": row["detail"]["days"],
        "first_date": row["first_date"].isoformat(),
        "last_date": row["detail"]["last_date"].isoformat(),
        "threshold": threshold,
        "rules": rules.version,
    }
    if row["detail"]["month"]:
        detail["month"] = row["detail"]["month"]
    return detail


def _found(term: Term, as_of: date, rules: DropoutRules) -> list[dict[str, Any]]:
    """Every (person, trigger) the rules flag as of ``as_of``, with the case's school and detail."""
    terms = _year_terms(term, as_of)
    start = terms[0].start_date
    places = bulk.read_places(term.pk)
    suspects = bulk.suspects(
        places,
        bulk.read_absences(start, as_of),
        _year_days(terms, as_of),
        as_of,
        rules,
        closures=bulk.read_closures(start, as_of),
    )
    persons = db.existing(Student, ["id", "person_id"], where=("id", suspects["student_id"]))
    persons = persons.select(pl.col("id").cast(pl.Int64).alias("student_id"), "person_id")
    found = [
        {**row, "detail": _absence_detail(row, rules), "finding_id": None, "township_id": None}
        for row in suspects.join(persons, on="student_id", how="inner").iter_rows(named=True)
    ]
    for row in triggers.transfers(term, as_of, rules).iter_rows(named=True):
        detail = {
            "left_on": row["first_date"].isoformat(),
            "grace_days": rules.transfer_grace_days,
            "rules": rules.version,
        }
        found.append({**row, "trigger": T.TRANSFER, "detail": detail})
    for row in triggers.out_of_school().iter_rows(named=True):
        verified = row["first_date"].isoformat() if row["first_date"] else None
        detail = {"finding": row["finding_id"], "verified_on": verified, "rules": rules.version}
        found.append({**row, "trigger": T.OUT_OF_SCHOOL, "detail": detail})
    return found


# --- writing cases -------------------------------------------------------------------------------


def _places_of(persons: Iterable[int]) -> dict[int, tuple[int | None, int | None]]:
    """(village, township) of each person: the hukou village, else the household's village."""
    rows = Person.objects.filter(pk__in=list(persons)).values(
        "pk",
        "hukou_village_id",
        "hukou_village__parent_id",
        "household__village_id",
        "household__village__parent_id",
    )
    return {
        r["pk"]: (
            r["hukou_village_id"] or r["household__village_id"],
            r["hukou_village__parent_id"] or r["household__village__parent_id"],
        )
        for r in rows
    }


def _relapses(persons: Iterable[int], as_of: date) -> dict[int, int]:
    """The returned case each person is still being followed under, if any."""
    rows = Case.objects.filter(
        person_id__in=list(persons),
        outcome=Case.Outcome.RETURNED,
        follow_until__gte=as_of,
    ).values_list("person_id", "pk")
    return dict(rows)


def _new_cases(rows: list[dict[str, Any]], as_of: date) -> list[Case]:
    persons = {r["person_id"] for r in rows}
    places = _places_of(persons)
    relapses = _relapses(persons, as_of)
    towns = dict(
        School.objects.filter(pk__in={r["school_id"] for r in rows if r["school_id"]}).values_list(
            "pk", "township_id"
        )
    )
    cases = []
    for row in rows:
        village, home_township = places.get(row["person_id"], (None, None))
        detail = dict(row["detail"])
        if row["person_id"] in relapses:
            detail["relapse_of"] = relapses[row["person_id"]]
        cases.append(
            Case(
                person_id=row["person_id"],
                student_id=row["student_id"],
                school_id=row["school_id"],
                township_id=towns.get(row["school_id"]) or row["township_id"] or home_township,
                village_id=village,
                finding_id=row["finding_id"],
                trigger=row["trigger"],
                opened_on=as_of,
                detail=detail,
            )
        )
    return cases


def _steps(cases: list[Case], rules: DropoutRules) -> list[CaseStep]:
    return [
        CaseStep(
            case=case,
            kind=plan.kind,
            position=position,
            due_on=case.opened_on + timedelta(days=plan.due_days),
        )
        for case in cases
        for position, plan in enumerate(rules.steps, start=1)
    ]


def _class_names(cases: list[Case], term: Term) -> dict[int, str]:
    students = [c.student_id for c in cases if c.student_id]
    return dict(
        Enrollment.objects.filter(term=term, student_id__in=students)
        .order_by("pk")
        .values_list("student_id", "class_name")
    )


def _parties(cases: list[Case], term: Term) -> list[CaseParty]:
    classes = _class_names(cases, term)
    return [
        CaseParty(
            case=case,
            line=p.line,
            duty=p.duty,
            name=p.name,
            phone_enc=p.phone_enc,
            phone_masked=p.phone_masked,
        )
        for case in cases
        for p in people_for(
            person_id=case.person_id,
            school_id=case.school_id,
            class_name=classes.get(case.student_id or 0, ""),
            village_id=case.village_id,
            township_id=case.township_id,
        )
    ]


def _escalate(as_of: date, rules: DropoutRules) -> int:
    """Suspected cases open ``suspected_to_dropout_days`` or more become dropouts on that day."""
    late = Case.objects.filter(
        status=Case.Status.SUSPECTED,
        opened_on__lte=as_of - timedelta(days=rules.suspected_to_dropout_days),
    )
    cases = list(late)
    for case in cases:
        case.status = Case.Status.DROPOUT
        case.dropout_on = case.opened_on + timedelta(days=rules.suspected_to_dropout_days)
        case.updated_at = timezone.now()
    Case.objects.bulk_update(cases, ["status", "dropout_on", "updated_at"], batch_size=1000)
    return len(cases)


def _settle_transfers(open_cases: QuerySet[Case], term: Term, as_of: date) -> int:
    """Transfer cases whose child now holds a place in the term close as transferred, with the
    receiving school the student register names."""
    transfer_cases = list(open_cases.filter(trigger=T.TRANSFER))
    placed = dict(
        Enrollment.objects.filter(
            term=term,
            student_id__in=[c.student_id for c in transfer_cases],
            status__in=triggers.PLACED,
        ).values_list("student_id", "school_id")
    )
    settled = [c for c in transfer_cases if c.student_id in placed]
    for case in settled:
        case.status, case.outcome, case.closed_on = (
            Case.Status.CLOSED,
            Case.Outcome.TRANSFERRED,
            as_of,
        )
        case.receiving_school_id = placed[case.student_id or 0]
        case.outcome_note = "学籍系统显示已在转入学校就读 / enrolled at the receiving school"
        case.updated_at = timezone.now()
    fields = ["status", "outcome", "closed_on", "receiving_school", "outcome_note", "updated_at"]
    Case.objects.bulk_update(settled, fields, batch_size=1000)
    return len(settled)


def scan(*, as_of: date, acting_user: Any, rules: DropoutRules | None = None) -> ScanResult:
    """Open a case for every child the rules flag as of ``as_of`` (one open case per child and
    trigger), refresh the detail of open ones, close transfer cases the student register settles, and
    escalate suspected cases open longer than ``suspected_to_dropout_days`` to dropout."""
    rules = rules or default_rules()
    term = _term_of(as_of)
    found = _found(term, as_of, rules)
    with transaction.atomic():
        open_qs = Case.objects.select_for_update().filter(status__in=Case.OPEN)
        open_cases = {(c.person_id, c.trigger): c for c in open_qs}
        fresh, changed, unchanged = [], [], 0
        for row in found:
            case = open_cases.get((row["person_id"], row["trigger"]))
            if case is None:
                fresh.append(row)
            elif case.detail != {**row["detail"], **_kept(case.detail)}:
                case.detail = {**row["detail"], **_kept(case.detail)}
                case.updated_at = timezone.now()
                changed.append(case)
            else:
                unchanged += 1
        new = Case.objects.bulk_create(_new_cases(fresh, as_of), batch_size=1000)
        CaseStep.objects.bulk_create(_steps(new, rules), batch_size=1000)
        CaseParty.objects.bulk_create(_parties(new, term), batch_size=1000)
        Case.objects.bulk_update(changed, ["detail", "updated_at"], batch_size=1000)
        settled = _settle_transfers(open_qs, term, as_of)
        escalated = _escalate(as_of, rules)
        result = ScanResult(as_of, term.code, len(new), len(changed), unchanged, escalated, settled)
        ScanRun.objects.create(
            as_of=as_of,
            term=term,
            rules_version=rules.version,
            counts=result.as_dict(),
            by=acting_user if getattr(acting_user, "pk", None) else None,
        )
        record(
            "retention.scan",
            acting_user=acting_user,
            object_type="term",
            object_id=term.code,
            detail={**result.as_dict(), "rules": rules.version},
        )
    return result


def _kept(detail: dict[str, Any]) -> dict[str, Any]:
    """What a refresh keeps from a case's detail: the case it relapses from."""
    return {k: v for k, v in detail.items() if k == "relapse_of"}
