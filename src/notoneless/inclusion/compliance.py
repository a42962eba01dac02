"""The compliance report of home-delivered teaching per child and term: sessions held against the
visits required, class hours held against the hours owed, and the weeks short of visits (the gaps).

What is owed comes from ``rules/home_teaching.toml``: a week counts when the child has at least
``min_school_days_in_week`` school days in it (working days of the holiday calendar inside the term,
from the plan's first version, up to the report's day, outside the child's pauses); each counted week
owes ``visits_per_week`` visits and ``yearly_class_hours / teaching_weeks_per_year`` class hours.
What is held is counted from the session records themselves. The report also lists where the student
roster's status (``home_taught``) and the committee's placement disagree."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import chain
from typing import Any

from notoneless.inclusion.errors import InclusionRefused
from notoneless.inclusion.models import Pause, Placement, Plan, PlanVersion, Session, Setting
from notoneless.inclusion.rules import home_teaching_rules
from notoneless.inclusion.selectors import placement_scope, plan_scope
from notoneless.lib import workdays
from notoneless.registry.choices import EnrollmentStatus
from notoneless.registry.models import Enrollment, Term
from notoneless.registry.selectors import students_for

__all__ = ["ChildCompliance", "ComplianceReport", "Disagreement", "Gap", "build"]

ONE_DAY = timedelta(days=1)
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Gap:
    """A counted week with fewer visits than required."""

    week: date  # its Monday
    held: int
    required: int


@dataclass
class ChildCompliance:
    plan_id: int
    person_id: int
    name: str
    school: str
    township: str
    start: date
    end: date
    weeks_counted: int
    paused_days: int
    required_visits: int
    held_visits: int
    required_hours: Decimal
    held_hours: Decimal
    gaps: list[Gap] = field(default_factory=list)
    school_id: int | None = None

    @property
    def visits_met(self) -> bool:
        return self.held_visits >= self.required_visits and not self.gaps

    @property
    def hours_met(self) -> bool:
        return self.held_hours >= self.required_hours

    def as_dict(self) -> dict[str, Any]:
        row = asdict(self)
        row["start"], row["end"] = self.start.isoformat(), self.end.isoformat()
        row["required_hours"], row["held_hours"] = str(self.required_hours), str(self.held_hours)
        row["gaps"] = [
            {"week": g.week.isoformat(), "held": g.held, "required": g.required} for g in self.gaps
        ]
        row["visits_met"], row["hours_met"] = self.visits_met, self.hours_met
        return row


@dataclass(frozen=True)
class Disagreement:
    """The roster says home-taught and the placement does not, or the other way round."""

    person_id: int
    name: str
    school: str
    roster_status: str  # '' when the child is not on the term's roster
    placement: str  # the decided setting, '' when none

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ComplianceReport:
    term: Term
    as_of: date
    rules_version: str
    children: list[ChildCompliance]
    disagreements: list[Disagreement]

    def as_dict(self) -> dict[str, Any]:
        return {
            "term": self.term.code,
            "as_of": self.as_of.isoformat(),
            "rules": self.rules_version,
            "children": [c.as_dict() for c in self.children],
            "disagreements": [d.as_dict() for d in self.disagreements],
        }


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def build(user: Any, *, term: Term, as_of: date | None = None) -> ComplianceReport:
    """The report for the plans of home-delivered teaching the user may see, over ``term`` up to
    ``as_of`` (the term's end by default). A fixed number of queries, whatever the number of children."""
    rules = home_teaching_rules()
    end_of_term = term.end_date if as_of is None else min(term.end_date, as_of)
    plans = list(
        Plan.objects.filter(plan_scope(user), home_teaching=True)
        .select_related("person", "school", "township")
        .order_by("township__code", "school__code", "person__name", "pk")
    )
    ids = [p.pk for p in plans]
    first_day: dict[int, date] = {}
    for plan_id, day in PlanVersion.objects.filter(plan_id__in=ids).values_list(
        "plan_id", "valid_from"
    ):
        first_day[plan_id] = min(day, first_day.get(plan_id, day))
    paused: dict[int, set[date]] = defaultdict(set)
    for pause in Pause.objects.filter(
        plan_id__in=ids, start_date__lte=end_of_term, end_date__gte=term.start_date
    ):
        paused[pause.plan_id].update(_days(pause.start_date, pause.end_date))
    sessions: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for plan_id, held_on, hours in Session.objects.filter(
        plan_id__in=ids, held_on__gte=term.start_date, held_on__lte=end_of_term
    ).values_list("plan_id", "held_on", "class_hours"):
        sessions[plan_id].append((held_on, hours))
    children = []
    for plan in plans:
        start = max(term.start_date, first_day.get(plan.pk, term.end_date + ONE_DAY))
        if start > end_of_term:
            continue
        children.append(_child(plan, start, end_of_term, paused[plan.pk], sessions[plan.pk]))
    return ComplianceReport(
        term=term,
        as_of=end_of_term,
        rules_version=rules.version,
        children=children,
        disagreements=_disagreements(user, term),
    )


def _child(
    plan: Plan, start: date, end: date, paused: set[date], held: list[tuple[date, Decimal]]
) -> ChildCompliance:
    rules = home_teaching_rules()
    try:
        school_days = [
            d for d in _days(start, end) if workdays.is_working_day(d) and d not in paused
        ]
    except workdays.CalendarNotCovered as exc:
        raise InclusionRefused(str(exc), field="term") from None
    per_week: dict[date, int] = defaultdict(int)
    for d in school_days:
        per_week[_monday(d)] += 1
    counted = sorted(w for w, n in per_week.items() if n >= rules.min_school_days_in_week)
    visits: dict[date, int] = defaultdict(int)
    for day, _hours in held:
        visits[_monday(day)] += 1
    gaps = [
        Gap(w, visits[w], rules.visits_per_week)
        for w in counted
        if visits[w] < rules.visits_per_week
    ]
    required_hours = (rules.weekly_hours * len(counted)).quantize(TENTH, rounding=ROUND_HALF_UP)
    return ChildCompliance(
        plan_id=plan.pk,
        person_id=plan.person_id,
        name=plan.person.name,
        school=plan.school.name if plan.school else "",
        township=plan.township.name if plan.township else "",
        start=start,
        end=end,
        weeks_counted=len(counted),
        paused_days=len({d for d in paused if start <= d <= end}),
        required_visits=rules.visits_per_week * len(counted),
        held_visits=len(held),
        required_hours=required_hours,
        held_hours=sum((h for _d, h in held), Decimal("0.0")),
        gaps=gaps,
        school_id=plan.school_id,
    )


def _disagreements(user: Any, term: Term) -> list[Disagreement]:
    """Children in scope whose term roster status and decided placement disagree about home teaching."""
    decided = {
        p.person_id: p
        for p in Placement.objects.filter(
            placement_scope(user), status=Placement.Status.DECIDED
        ).select_related("person", "school")
    }
    roster: dict[int, tuple[str, str, str]] = {}
    enrolments = Enrollment.objects.filter(term=term).select_related("student__person", "school")
    # the term's home-taught enrolments are few: read them, then keep those the user may see (one
    # query with the scope as a subquery of an OR took a minute on SQLite at the yuyang scale)
    home_taught = list(enrolments.filter(status=EnrollmentStatus.HOME_TAUGHT))
    visible = set(
        students_for(user, term=term)
        .filter(pk__in=[e.student_id for e in home_taught])
        .values_list("pk", flat=True)
    )
    placed = enrolments.filter(student__person_id__in=list(decided))
    for e in chain((e for e in home_taught if e.student_id in visible), placed):
        roster[e.student.person_id] = (e.status, e.student.person.name, e.school.name)
    found = []
    for person_id, (status, name, school) in roster.items():
        placement = decided.get(person_id)
        setting = placement.setting if placement else ""
        if (status == EnrollmentStatus.HOME_TAUGHT) != (setting == Setting.HOME):
            found.append(Disagreement(person_id, name, school, status, setting))
    for person_id, placement in decided.items():
        if placement.setting == Setting.HOME and person_id not in roster:
            found.append(
                Disagreement(
                    person_id,
                    placement.person.name,
                    placement.school.name if placement.school else "",
                    "",
                    placement.setting,
                )
            )
    return sorted(found, key=lambda d: (d.school, d.name))
