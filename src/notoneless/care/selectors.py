"""Reads of care (帮扶), always scoped: the schools a user may see (``registry.selectors.schools_for``),
the pairs of those schools (a teacher: only the pairs they help), their logs and attachments. Roles
that do not read care see nothing; an object out of scope is not found (404)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import polars as pl
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from notoneless.accounts.models import Role
from notoneless.care import pairing as planner
from notoneless.care.access import may_read_care
from notoneless.care.care_rules import default_rules
from notoneless.care.groups import special_children
from notoneless.care.models import (
    Group,
    GroupOverride,
    Pairing,
    SupportAttachment,
    SupportEntry,
)
from notoneless.care.overdue import Period, overdue
from notoneless.registry.models import School, Teacher, Term
from notoneless.registry.selectors import current_term, is_county_wide, schools_for
from notoneless.retention.models import Duty, Responsible
from notoneless.retention.responsibles import class_key

__all__ = [
    "ChildRow",
    "PairView",
    "Suggestion",
    "active_on",
    "care_date",
    "care_schools",
    "get_attachment",
    "get_pairing",
    "get_school",
    "helpers_for",
    "my_pairs",
    "overdue_pairs",
    "pair_entries",
    "pairs_for",
    "school_children",
    "suggestion",
    "term_on",
]

_NOTHING = Q(pk__in=[])


# --- dates -----------------------------------------------------------------------------------------


def term_on(day: date) -> Term | None:
    """The term holding ``day``, else the latest that started before it, else the current term."""
    terms = Term.objects.order_by("-start_date")
    return (
        terms.filter(start_date__lte=day, end_date__gte=day).first()
        or terms.filter(start_date__lte=day).first()
        or current_term()
    )


def care_date(today: date) -> date:
    """The day the pages stand at: today while a term holds it; otherwise (historic or demo data) the
    latest day anything was logged or paired, so a past term is not shown as all overdue."""
    if Term.objects.filter(start_date__lte=today, end_date__gte=today).exists():
        return today
    latest = [
        SupportEntry.objects.aggregate(d=Max("on"))["d"],
        Pairing.objects.aggregate(d=Max("started_on"))["d"],
    ]
    known = [d for d in latest if d is not None and d <= today]
    return max(known) if known else today


def terms_as_periods() -> list[Period]:
    return list(Term.objects.order_by("start_date").values_list("start_date", "end_date"))


def active_on(day: date, via: str = "") -> Q:
    """Pairings in force on ``day``."""
    return Q(**{f"{via}started_on__lte": day}) & (
        Q(**{f"{via}ended_on__isnull": True}) | Q(**{f"{via}ended_on__gt": day})
    )


# --- scope -----------------------------------------------------------------------------------------


def care_schools(user: Any) -> QuerySet[School]:
    """The schools whose children the user may see in care."""
    if not may_read_care(user):
        return School.objects.none()
    return schools_for(user)


def get_school(user: Any, school_id: int) -> School:
    school = care_schools(user).filter(pk=school_id).first()
    if school is None:
        raise Http404("no such school")
    return school


def pair_scope(user: Any, via: str = "") -> Q:
    """The pairings the user may see, as a condition on ``Pairing`` (or through ``via``)."""
    if not may_read_care(user):
        return _NOTHING
    if is_county_wide(user):
        return Q()
    if user.role == Role.TEACHER:
        if not user.teacher_id:
            return _NOTHING
        return Q(**{f"{via}teacher_id": user.teacher_id})
    if user.role == Role.TOWNSHIP_OFFICER and user.township_id:
        return Q(**{f"{via}school__township_id": user.township_id})
    if user.school_id:
        return Q(**{f"{via}school_id": user.school_id}) | Q(
            **{f"{via}school__central_school_id": user.school_id}
        )
    return _NOTHING


def pairs_for(user: Any) -> QuerySet[Pairing]:
    return (
        Pairing.objects.filter(pair_scope(user))
        .select_related("person", "teacher", "school")
        .order_by("school__code", "person__name", "pk")
    )


def get_pairing(user: Any, pairing_id: int) -> Pairing:
    found = pairs_for(user).filter(pk=pairing_id).first()
    if found is None:
        raise Http404("no such pairing")
    return found


def pair_entries(pairing: Pairing) -> list[SupportEntry]:
    return list(
        pairing.entries.select_related("teacher")
        .prefetch_related("attachments")
        .order_by("-on", "-pk")
    )


def get_attachment(user: Any, attachment_id: int) -> SupportAttachment:
    found = (
        SupportAttachment.objects.filter(pair_scope(user, via="entry__pairing__"), pk=attachment_id)
        .select_related("entry")
        .first()
    )
    if found is None:
        raise Http404("no such attachment")
    return found


# --- overdue ---------------------------------------------------------------------------------------


LATE_LABELS = {
    "contact": _("no contact in the whole of last month"),
    "home_visit": _("no home visit in the whole of last term"),
}


def late_labels(keys: Any) -> list[str]:
    return [str(LATE_LABELS.get(k, k)) for k in keys]


@dataclass(frozen=True)
class PairView:
    pairing: Pairing
    late: tuple[str, ...]  # keys of the requirements it is overdue on
    last_contact: date | None

    @property
    def late_labels(self) -> list[str]:
        return late_labels(self.late)


def _overdue_of(pairs: list[Pairing], as_of: date) -> tuple[dict[int, list[str]], dict[int, date]]:
    ids = [p.pk for p in pairs]
    entries = list(
        SupportEntry.objects.filter(pairing_id__in=ids, on__lte=as_of).values_list(
            "pairing_id", "kind", "on"
        )
    )
    late = overdue(
        [(p.pk, p.started_on) for p in pairs],
        entries,
        as_of=as_of,
        terms=terms_as_periods(),
        rules=default_rules(),
    )
    last: dict[int, date] = {}
    for pairing_id, _kind, on in entries:
        if pairing_id not in last or on > last[pairing_id]:
            last[pairing_id] = on
    return late, last


def _views(pairs: QuerySet[Pairing], as_of: date) -> list[PairView]:
    listed = list(pairs.filter(active_on(as_of)))
    late, last = _overdue_of(listed, as_of)
    return [PairView(p, tuple(late.get(p.pk, ())), last.get(p.pk)) for p in listed]


def pair_views(pairs: QuerySet[Pairing], as_of: date) -> list[PairView]:
    """The pairings (already scoped by the caller) in force on ``as_of``, with overdue flags."""
    return _views(pairs, as_of)


def pair_view(pairing: Pairing, as_of: date) -> PairView | None:
    """One pairing with its overdue flags on ``as_of`` (None when not in force then)."""
    views = _views(Pairing.objects.filter(pk=pairing.pk), as_of)
    return views[0] if views else None


def overdue_pairs(user: Any, as_of: date) -> list[PairView]:
    """The pairs in scope (a teacher: their own) overdue on a frequency rule on ``as_of``."""
    return [v for v in _views(pairs_for(user), as_of) if v.late]


def my_pairs(user: Any, as_of: date) -> list[PairView]:
    """A teacher's own pairs in force, each with its overdue flags."""
    if user.role != Role.TEACHER or not user.teacher_id:
        return []
    return _views(pairs_for(user), as_of)


# --- a school's children ---------------------------------------------------------------------------


@dataclass
class ChildRow:
    person_id: int
    student_id: int
    name: str
    class_name: str
    groups: list[str]
    derived: list[str]
    overrides: list[GroupOverride] = field(default_factory=list)
    pairs: list[PairView] = field(default_factory=list)

    @property
    def group_labels(self) -> list[str]:
        return [str(Group(g).label) for g in self.groups]

    @property
    def late(self) -> bool:
        return any(p.late for p in self.pairs)


def school_children(user: Any, school: School, as_of: date) -> list[ChildRow]:
    """The school's special-group children this term, with their groups (and the school's
    corrections), their helpers in force and the overdue flags."""
    school = get_school(user, school.pk)
    term = term_on(as_of)
    frame = special_children(term, [school.pk]).sort("class_name", "name", "person_id")
    rows = {
        r["person_id"]: ChildRow(
            r["person_id"],
            r["student_id"],
            r["name"],
            r["class_name"] or "",
            list(r["groups"]),
            list(r["derived"]),
        )
        for r in frame.iter_rows(named=True)
    }
    # corrections that took a child out of every group still show, so the school can undo them
    for said in (
        GroupOverride.objects.filter(school=school)
        .exclude(person_id__in=list(rows))
        .select_related("person")
    ):
        rows.setdefault(
            said.person_id,
            ChildRow(said.person_id, 0, said.person.name, "", [], []),
        )
    for said in GroupOverride.objects.filter(person_id__in=list(rows)).select_related("by"):
        rows[said.person_id].overrides.append(said)
    pairs = Pairing.objects.filter(person_id__in=list(rows)).select_related("teacher", "person")
    for view in _views(pairs, as_of):
        rows[view.pairing.person_id].pairs.append(view)
    return list(rows.values())


# --- helpers and the suggestion --------------------------------------------------------------------


def helpers_for(school: School) -> QuerySet[Teacher]:
    """The teachers who may help the school's children: its own, or (a teaching point without
    teachers of its own) its central school's; each with ``load``, the children helped now."""
    own = Teacher.objects.filter(school=school)
    if school.central_school_id and not own.exists():
        own = Teacher.objects.filter(school_id=school.central_school_id)
    return own.annotate(
        load=Count("pairings", filter=Q(pairings__ended_on__isnull=True), distinct=True)
    ).order_by("pk")


def class_teachers(school: School) -> dict[str, set[int]]:
    """Class (as the responsibility table names it) → the ids of the school's teachers who are its
    head teachers. The table names people, not teacher records: matched by name within the school."""
    by_name: dict[str, set[int]] = defaultdict(set)
    for pk, name, norm in helpers_for(school).values_list("pk", "name", "name_norm"):
        by_name[name].add(pk)
        by_name[norm].add(pk)
    classes: dict[str, set[int]] = defaultdict(set)
    heads = Responsible.objects.filter(school=school, duty=Duty.HEAD_TEACHER).values_list(
        "class_name", "name"
    )
    for class_name, name in heads:
        classes[class_name.strip()] |= by_name.get(name.strip(), set())
    return classes


@dataclass(frozen=True)
class ProposalRow:
    person_id: int
    name: str
    class_name: str
    groups: list[str]
    teacher: Teacher
    class_teacher: bool
    load_after: int


@dataclass
class Suggestion:
    school: School
    proposals: list[ProposalRow]
    unplaced: list[tuple[int, str]]  # every teacher at the limit
    limit: int


def suggestion(user: Any, school: School, as_of: date) -> Suggestion:
    """Helpers proposed for every special-group child of the school with no helper in force."""
    school = get_school(user, school.pk)
    rules = default_rules()
    frame = special_children(term_on(as_of), [school.pk])
    paired = set(
        Pairing.objects.filter(active_on(as_of), person_id__in=frame["person_id"].to_list())
        .values_list("person_id", flat=True)
        .distinct()
    )
    frame = frame.filter(~pl.col("person_id").is_in(list(paired))).sort(
        "stage", "grade", "class_name", "name", "person_id"
    )
    heads = class_teachers(school)
    children, info = [], {}
    for r in frame.iter_rows(named=True):
        keys = {
            (r["class_name"] or "").strip(),
            class_key(r["stage"], r["grade"], r["class_name"] or ""),
        }
        mine = frozenset().union(*(heads.get(k, set()) for k in keys if k))
        children.append(planner.Child(r["person_id"], mine))
        info[r["person_id"]] = r
    teachers = {t.pk: t for t in helpers_for(school)}
    helpers = [planner.Helper(t.pk, t.load) for t in teachers.values()]  # type: ignore[attr-defined]
    proposals, unplaced = planner.suggest(
        children, helpers, limit=rules.load_limit, preference=rules.class_teacher_preference
    )
    return Suggestion(
        school,
        [
            ProposalRow(
                p.person_id,
                info[p.person_id]["name"],
                info[p.person_id]["class_name"] or "",
                list(info[p.person_id]["groups"]),
                teachers[p.teacher_id],
                p.class_teacher,
                p.load_after,
            )
            for p in proposals
        ],
        [(pid, info[pid]["name"]) for pid in unplaced],
        rules.load_limit,
    )


def month_bounds(month: str) -> tuple[date, date]:
    year, number = (int(part) for part in month.split("-"))
    first = date(year, number, 1)
    return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def get_child(user: Any, school: School, person_id: int, as_of: date) -> Any:
    """A child enrolled at the school this term (in any group or none), or 404."""
    from notoneless.care.groups import enrolments

    row = (
        enrolments(term_on(as_of), care_schools(user).filter(pk=school.pk), [person_id])
        .select_related("student__person")
        .first()
    )
    if row is None:
        raise Http404("no such child")
    return row.student.person


def get_helper(user: Any, school: School, teacher_id: int) -> Teacher:
    """A teacher who may help the school's children, or 404."""
    get_school(user, school.pk)
    found = helpers_for(school).filter(pk=teacher_id).first()
    if found is None:
        raise Http404("no such teacher")
    return found
