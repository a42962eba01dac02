"""Reads of dropout control, scoped like the registers: the county sees every case, a township officer
the cases of the township (by the school's township or the child's home township), a school officer or
teacher those of the school (and of the schools a central school oversees). Roles that do not read
retention (the aid officer) see none. A case out of scope is not found (404)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from notoneless.registry.models import Division, Term
from notoneless.registry.selectors import is_county_wide
from notoneless.retention.access import may_read_retention
from notoneless.retention.dropout_rules import default_rules
from notoneless.retention.models import Absence, Case, CaseStep, ScanRun

__all__ = [
    "LEDGERS",
    "CaseFilter",
    "Dashboard",
    "attendance_since_return",
    "case_steps",
    "cases_for",
    "dashboard",
    "get_case",
    "ledger_date",
    "overdue_steps",
    "townships_for",
]

_NOTHING = Q(pk__in=[])
LEDGERS = [
    ("open", _("Open cases")),
    ("suspected", _("Suspected dropouts")),
    ("dropout", _("Dropouts")),
    ("closed", _("Closed cases")),
]


def ledger_date(today: date) -> date:
    """The day the ledgers stand at: today while a term holds it; otherwise (historic or demo data)
    the day of the latest scan."""
    if Term.objects.filter(start_date__lte=today, end_date__gte=today).exists():
        return today
    latest = ScanRun.objects.order_by("-at", "-pk").first()
    return latest.as_of if latest else today


def case_scope(user: Any, via: str = "") -> Q:
    """The cases the user may see, as a condition on ``Case`` (or through ``via``, e.g. ``case__``)."""
    if not may_read_retention(user):
        return _NOTHING
    if is_county_wide(user):
        return Q()
    if user.role == "township_officer" and user.township_id:
        return Q(**{f"{via}township_id": user.township_id}) | Q(
            **{f"{via}school__township_id": user.township_id}
        )
    if user.school_id:
        return Q(**{f"{via}school_id": user.school_id}) | Q(
            **{f"{via}school__central_school_id": user.school_id}
        )
    return _NOTHING


@dataclass(frozen=True)
class CaseFilter:
    """What a case list shows: a ledger (``suspected``, ``dropout``, ``closed``, or ``open``), a
    trigger, a township or school, only cases with an overdue step."""

    ledger: str = "open"
    trigger: str = ""
    township: int | None = None
    school: int | None = None
    overdue: bool = False
    query: str = ""


def cases_for(
    user: Any, filters: CaseFilter | None = None, today: date | None = None
) -> QuerySet[Case]:
    filters = filters or CaseFilter()
    cases = Case.objects.filter(case_scope(user)).select_related(
        "person", "school", "township", "village"
    )
    if filters.ledger == "open":
        cases = cases.filter(status__in=Case.OPEN)
    elif filters.ledger in Case.Status.values:
        cases = cases.filter(status=filters.ledger)
    if filters.trigger in Case.Trigger.values:
        cases = cases.filter(trigger=filters.trigger)
    if filters.township:
        cases = cases.filter(
            Q(township_id=filters.township) | Q(school__township_id=filters.township)
        )
    if filters.school:
        cases = cases.filter(school_id=filters.school)
    if filters.query:
        cases = cases.filter(person__name_norm__contains=filters.query.strip())
    if filters.overdue:
        late = _late_steps(today or date.today()).values("case_id")
        cases = cases.filter(pk__in=late)
    return cases.order_by("-opened_on", "-pk")


def get_case(user: Any, case_id: int) -> Case:
    case = (
        Case.objects.filter(case_scope(user), pk=case_id)
        .select_related(
            "person", "student", "school", "township", "village", "receiving_school", "closed_by"
        )
        .first()
    )
    if case is None:
        raise Http404("no such case")
    return case


def townships_for(user: Any) -> list[Division]:
    towns = Case.objects.filter(case_scope(user)).values("township_id")
    return list(Division.objects.filter(pk__in=towns).order_by("code"))


# --- overdue steps and escalation --------------------------------------------------------------------


def _late_steps(today: date) -> QuerySet[CaseStep]:
    return CaseStep.objects.filter(
        case__status__in=Case.OPEN, done_on__isnull=True, due_on__lt=today
    )


@dataclass(frozen=True)
class LateStep:
    step: CaseStep
    days_late: int
    escalated: bool  # gone up to the bureau: more than ``escalate_after_days`` late


def overdue_steps(user: Any, today: date) -> list[LateStep]:
    """Steps of open cases past their due date, most overdue first; those more than
    ``escalate_after_days`` late are escalated to the bureau."""
    limit = default_rules().escalate_after_days
    steps = (
        _late_steps(today)
        .filter(case_scope(user, via="case__"))
        .select_related("case__person", "case__school", "case__township")
        .order_by("due_on", "case_id", "position")
    )
    return [
        LateStep(step, (today - step.due_on).days, (today - step.due_on).days > limit)
        for step in steps
    ]


# --- the dashboard -------------------------------------------------------------------------------


@dataclass
class TownshipRow:
    township: Division | None
    suspected: int = 0
    dropout: int = 0
    closed: int = 0
    returned: int = 0


@dataclass
class Dashboard:
    suspected: int
    dropout: int
    returned: int
    closed_by_outcome: list[tuple[str, str, int]]
    following: int
    late: list[LateStep]
    townships: list[TownshipRow] = field(default_factory=list)

    @property
    def escalated(self) -> int:
        return sum(1 for s in self.late if s.escalated)


def dashboard(user: Any, today: date) -> Dashboard:
    """Open, overdue and closed cases at a glance, and per township."""
    cases = Case.objects.filter(case_scope(user)).order_by()
    by_status = dict(cases.values("status").annotate(n=Count("pk")).values_list("status", "n"))
    outcomes = dict(
        cases.filter(status=Case.Status.CLOSED)
        .values("outcome")
        .annotate(n=Count("pk"))
        .values_list("outcome", "n")
    )
    rows: dict[int | None, TownshipRow] = {}
    towns = {d.pk: d for d in Division.objects.filter(pk__in=cases.values("township_id"))}
    counted = (
        cases.values("township_id", "status", "outcome")
        .annotate(n=Count("pk"))
        .values_list("township_id", "status", "outcome", "n")
    )
    for township_id, status, outcome, n in counted:
        row = rows.setdefault(township_id, TownshipRow(towns.get(township_id)))
        setattr(row, status, getattr(row, status) + n)
        if outcome == Case.Outcome.RETURNED:
            row.returned += n
    return Dashboard(
        suspected=by_status.get(Case.Status.SUSPECTED, 0),
        dropout=by_status.get(Case.Status.DROPOUT, 0),
        returned=outcomes.get(Case.Outcome.RETURNED, 0),
        closed_by_outcome=[
            (v, str(label), outcomes.get(v, 0)) for v, label in Case.Outcome.choices
        ],
        following=cases.filter(follow_until__gte=today).count(),
        late=overdue_steps(user, today),
        townships=sorted(rows.values(), key=lambda r: r.township.code if r.township else "~"),
    )


@dataclass(frozen=True)
class StepView:
    step: CaseStep
    late_days: int  # 0 when done or not yet due
    escalated: bool


def case_steps(case: Case, as_of: date) -> list[StepView]:
    limit = default_rules().escalate_after_days
    views = []
    for step in case.steps.select_related("done_by").order_by("position"):
        late = (as_of - step.due_on).days if case.is_open and not step.done_on else 0
        views.append(StepView(step, max(late, 0), late > limit))
    return views


@dataclass(frozen=True)
class SinceReturn:
    since: date
    until: date
    absences: list[Absence]

    @property
    def unexcused(self) -> int:
        return sum(1 for a in self.absences if a.status == "unexcused")


def attendance_since_return(case: Case) -> SinceReturn | None:
    """A returned child's absences since the return, over the follow-up period."""
    if case.outcome != Case.Outcome.RETURNED or not (case.closed_on and case.follow_until):
        return None
    since = case.closed_on + timedelta(days=1)
    absences = list(
        Absence.objects.filter(
            student__person_id=case.person_id, date__gte=since, date__lte=case.follow_until
        ).order_by("date")
    )
    return SinceReturn(since, case.follow_until, absences)
