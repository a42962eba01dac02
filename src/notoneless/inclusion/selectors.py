"""Reads of inclusive education, scoped: the county (administrator, auditor) sees every child; a
township officer the children of the township (their home township or their school's); a school
officer those of the school and its teaching points; a teacher only the children whose plan names
them. Roles that do not read inclusion see nothing. An object out of scope is not found (404)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from notoneless.accounts.models import Role
from notoneless.inclusion.access import may_read_inclusion
from notoneless.inclusion.models import (
    Assessment,
    Pause,
    Placement,
    Plan,
    PlanVersion,
    Session,
    Setting,
)
from notoneless.inclusion.rules import placement_rules
from notoneless.registry.models import DisabilityRecord, Division, Enrollment, Person, School
from notoneless.registry.school_age import school_age_rule
from notoneless.registry.selectors import is_county_wide, persons_for

__all__ = [
    "Basis",
    "Candidate",
    "candidates",
    "get_placement",
    "get_plan",
    "get_session",
    "overview",
    "placement_scope",
    "placements_for",
    "plan_scope",
    "plans_for",
    "plans_for_teacher",
    "review_due",
    "version_in_force",
]

_NOTHING = Q(pk__in=[])


def _place_scope(user: Any, via: str) -> Q | None:
    """The condition on a model with ``school`` and ``township`` (through ``via``), or None for a
    teacher (scoped by the plans naming them)."""
    if not may_read_inclusion(user):
        return _NOTHING
    if is_county_wide(user):
        return Q()
    if user.role == Role.TOWNSHIP_OFFICER and user.township_id:
        return Q(**{f"{via}township_id": user.township_id}) | Q(
            **{f"{via}school__township_id": user.township_id}
        )
    if user.role == Role.SCHOOL_OFFICER and user.school_id:
        return Q(**{f"{via}school_id": user.school_id}) | Q(
            **{f"{via}school__central_school_id": user.school_id}
        )
    if user.role == Role.TEACHER:
        return None
    return _NOTHING


def _teacher_persons(user: Any) -> QuerySet[Plan]:
    named = PlanVersion.objects.filter(teachers=user.teacher_id).values("plan_id")
    return Plan.objects.filter(pk__in=named)


def placement_scope(user: Any) -> Q:
    scope = _place_scope(user, "")
    if scope is None:
        if not user.teacher_id:
            return _NOTHING
        return Q(person_id__in=_teacher_persons(user).values("person_id"))
    return scope


def plan_scope(user: Any, via: str = "") -> Q:
    scope = _place_scope(user, via)
    if scope is None:
        if not user.teacher_id:
            return _NOTHING
        return Q(**{f"{via}pk__in": _teacher_persons(user).values("pk")})
    return scope


# --- candidates: disabled children of compulsory school age ---------------------------------------


@dataclass(frozen=True)
class Basis:
    """What a proposal rests on: a certificate (disability record) or an assessment."""

    source: str
    disability_type: str
    grade: int
    record: DisabilityRecord | None = None
    assessment: Assessment | None = None

    @property
    def key(self) -> tuple[int, int]:
        return (self.grade, 0 if self.source == Placement.Source.CERTIFICATE else 1)


@dataclass
class Candidate:
    person: Person
    basis: Basis
    school: School | None
    township: Division | None
    placement: Placement | None = None  # the decision in force or the open proposal

    @property
    def needs_proposal(self) -> bool:
        return self.placement is None


def _bases(person_ids: list[int]) -> dict[int, Basis]:
    """The most severe basis per person (a certificate before an assessment of the same grade)."""
    severity_grade = placement_rules().severity_grade
    best: dict[int, Basis] = {}

    def keep(person_id: int, basis: Basis) -> None:
        if person_id not in best or basis.key < best[person_id].key:
            best[person_id] = basis

    for record in DisabilityRecord.objects.filter(person_id__in=person_ids).order_by("pk"):
        assert record.person_id is not None
        keep(
            record.person_id,
            Basis("certificate", record.disability_type, record.disability_grade, record=record),
        )
    for assessment in Assessment.objects.filter(person_id__in=person_ids).order_by("-assessed_on"):
        grade = severity_grade[assessment.severity]
        keep(
            assessment.person_id,
            Basis("assessment", assessment.disability_type, grade, assessment=assessment),
        )
    return best


def _places(persons: list[Person]) -> dict[int, tuple[School | None, Division | None]]:
    """Each child's school (the latest enrolment) and home township (household or hukou village's
    township, else the school's)."""
    ids = [p.pk for p in persons]
    schools: dict[int, School] = {}
    latest = (
        Enrollment.objects.filter(student__person_id__in=ids)
        .select_related("school", "student")
        .order_by("student__person_id", "-term__start_date", "-pk")
    )
    for enrolment in latest:
        schools.setdefault(enrolment.student.person_id, enrolment.school)
    village_ids = {
        p.household.village_id if p.household and p.household.village_id else p.hukou_village_id
        for p in persons
    }
    villages = Division.objects.filter(pk__in=[v for v in village_ids if v]).select_related(
        "parent"
    )
    parent_of = {v.pk: v.parent for v in villages}
    towns = {
        t.pk: t for t in Division.objects.filter(pk__in=[s.township_id for s in schools.values()])
    }
    places: dict[int, tuple[School | None, Division | None]] = {}
    for p in persons:
        village = (
            p.household.village_id if p.household and p.household.village_id else p.hukou_village_id
        )
        school = schools.get(p.pk)
        township = parent_of.get(village) if village else None
        if township is None and school is not None:
            township = towns.get(school.township_id)
        places[p.pk] = (school, township)
    return places


def candidates(user: Any, on: date, *, person: Person | None = None) -> list[Candidate]:
    """Children of compulsory school age on ``on`` (``registry/school_age.py``) with a disability
    record linked to them or an assessment, in the user's scope, with their placement if any."""
    if not may_read_inclusion(user):
        return []
    linked = DisabilityRecord.objects.filter(person__isnull=False).values("person_id")
    assessed = Assessment.objects.values("person_id")
    persons_q = persons_for(user) if user.role != Role.TEACHER else Person.objects.none()
    if person is not None:
        persons_q = persons_q.filter(pk=person.pk)
    if user.role == Role.SCHOOL_OFFICER or user.role == Role.TOWNSHIP_OFFICER:
        # also the children of the place who are not enrolled this term (out of school)
        placed = Placement.objects.filter(placement_scope(user)).values("person_id")
        persons_q = persons_q | Person.objects.filter(pk__in=placed)
    found = list(
        persons_q.filter(Q(pk__in=linked) | Q(pk__in=assessed), birth_date__isnull=False)
        .select_related("household")
        .distinct()
        .order_by("pk")
    )
    rule = school_age_rule()
    found = [p for p in found if p.birth_date and rule.is_compulsory_age(p.birth_date, on)]
    bases = _bases([p.pk for p in found])
    places = _places(found)
    current = {
        pl.person_id: pl
        for pl in Placement.objects.filter(
            person_id__in=[p.pk for p in found],
            status__in=[Placement.Status.PROPOSED, Placement.Status.DECIDED],
        ).order_by("status")  # "proposed" after "decided": an open proposal shows first
    }
    return [
        Candidate(p, bases[p.pk], *places[p.pk], placement=current.get(p.pk))
        for p in found
        if p.pk in bases
    ]


# --- placements --------------------------------------------------------------------------------


def placements_for(user: Any, status: str = "") -> QuerySet[Placement]:
    placements = Placement.objects.filter(placement_scope(user)).select_related(
        "person", "school", "township", "decided_by", "proposed_by"
    )
    if status in Placement.Status.values:
        placements = placements.filter(status=status)
    return placements.order_by("-proposed_on", "-pk")


def get_placement(user: Any, placement_id: int) -> Placement:
    found = placements_for(user).filter(pk=placement_id).first()
    if found is None:
        raise Http404("no such placement")
    return found


def review_due(user: Any, as_of: date, within_days: int = 30) -> list[Placement]:
    """Decisions in force whose yearly review is due by ``as_of`` + ``within_days`` (overdue first)."""
    horizon = as_of + timedelta(days=within_days)
    return list(
        placements_for(user, Placement.Status.DECIDED)
        .filter(review_due__lte=horizon)
        .order_by("review_due", "pk")
    )


# --- plans and sessions --------------------------------------------------------------------------


def plans_for(user: Any) -> QuerySet[Plan]:
    return (
        Plan.objects.filter(plan_scope(user))
        .select_related("person", "placement", "school", "township")
        .order_by("school__code", "person__name", "pk")
    )


def plans_for_teacher(user: Any) -> list[Plan]:
    """The plans with a version naming the user's teacher row (a teacher's own list)."""
    if not user.teacher_id:
        return []
    return list(plans_for(user).filter(versions__teachers=user.teacher_id).distinct())


def get_plan(user: Any, plan_id: int) -> Plan:
    found = plans_for(user).filter(pk=plan_id).first()
    if found is None:
        raise Http404("no such plan")
    return found


def version_in_force(plan: Plan, on: date) -> PlanVersion | None:
    return (
        plan.versions.filter(valid_from__lte=on).order_by("-valid_from").first()
        if plan.pk
        else None
    )


def get_session(user: Any, session_id: int) -> Session:
    found = (
        Session.objects.filter(plan_scope(user, via="plan__"), pk=session_id)
        .select_related("plan", "person", "teacher", "version")
        .first()
    )
    if found is None:
        raise Http404("no such session")
    return found


def pauses_of(plan: Plan) -> list[Pause]:
    return list(plan.pauses.order_by("start_date"))


# --- the overview -------------------------------------------------------------------------------


@dataclass
class Overview:
    by_setting: list[tuple[str, str, int]]
    proposed: int
    review_due: list[Placement]
    to_propose: list[Candidate]
    plans: int


def overview(user: Any, on: date) -> Overview:
    decided = dict(
        placements_for(user, Placement.Status.DECIDED)
        .order_by()
        .values("setting")
        .annotate(n=Count("pk"))
        .values_list("setting", "n")
    )
    settings = [(v, str(label), decided.get(v, 0)) for v, label in Setting.choices]
    return Overview(
        by_setting=settings,
        proposed=placements_for(user, Placement.Status.PROPOSED).count(),
        review_due=review_due(user, on),
        to_propose=[c for c in candidates(user, on) if c.needs_proposal],
        plans=plans_for(user).count(),
    )
