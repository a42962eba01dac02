"""The overview dashboard: the county's figures for each area the user may read, at a place (the county,
a township, a school) and broken down one level below it (townships, schools), each figure with the
list behind it. Charts and tables are built from the same rows, so the numbers under a chart are the
chart's. A fixed number of queries, whatever the county's size: each area is read once, per school,
then summed up to the level shown."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from django.db.models import Count, Q, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from notoneless.accounts.models import Role, User
from notoneless.aid.models import Entitlement
from notoneless.aid.selectors import aid_term_for, pack_for
from notoneless.aid.views.access import may_read_aid
from notoneless.care.access import may_read_care
from notoneless.care.coverage import coverage
from notoneless.care.selectors import care_date
from notoneless.inclusion import compliance
from notoneless.inclusion.access import may_read_inclusion
from notoneless.lib.money import wan
from notoneless.registry import choices
from notoneless.registry.models import Division, Enrollment, School, Term
from notoneless.registry.selectors import current_term, is_county_wide, schools_for
from notoneless.retention.access import may_read_retention
from notoneless.retention.models import Case
from notoneless.retention.selectors import case_scope, ledger_date, overdue_steps
from notoneless.schools.access import may_read_schools
from notoneless.schools.selectors import balance_for, latest_conditions_year
from notoneless.web.caching import cached_in_scope

__all__ = [
    "Board",
    "Chart",
    "Place",
    "board",
    "cached",
    "cached_board",
    "place_for",
    "place_reader",
]


Label = str | Promise
T = TypeVar("T")


@dataclass(frozen=True)
class Place:
    level: str  # county, township or school
    name: str
    township: Division | None = None
    school: School | None = None

    def query(self) -> str:
        if self.school is not None:
            return urlencode({"school": self.school.pk})
        if self.township is not None:
            return urlencode({"township": self.township.pk})
        return ""


@dataclass
class Chart:
    """One figure: categories (the places one level down, or kinds), one or more series of values."""

    key: str
    title: Label
    kind: str  # bar, stack or pie
    unit: Label
    categories: list[str]
    series: Sequence[tuple[Label, list[float]]]
    links: list[str] = field(default_factory=list)  # per category: the same board one level down
    list_url: str = ""  # the list the figure counts

    @property
    def rows(self) -> list[tuple[str, str, list[float]]]:
        links = self.links or [""] * len(self.categories)
        return [
            (c, link, [values[i] for _name, values in self.series])
            for i, (c, link) in enumerate(zip(self.categories, links, strict=True))
        ]

    @property
    def totals(self) -> list[float]:
        return [round(sum(values), 2) for _name, values in self.series]

    def spec(self) -> dict[str, Any]:
        """What the page's script draws (``web/charts.js``)."""
        return {
            "kind": self.kind,
            "unit": str(self.unit),
            "categories": self.categories,
            "series": [{"name": str(name), "values": values} for name, values in self.series],
            "links": self.links,
        }


@dataclass
class Board:
    place: Place
    term: Term | None
    as_of: date
    charts: list[Chart]
    crumbs: list[tuple[str, str]]  # (name, url) from the county down


# --- the place shown -----------------------------------------------------------------------------


def place_for(user: User, township_id: int | None, school_id: int | None) -> Place:
    """The place asked for, if in the user's scope (404 otherwise); by default the user's own."""
    schools = schools_for(user)
    if school_id is not None:
        school = schools.filter(pk=school_id).first()
        if school is None:
            raise Http404("no such school")
        return Place("school", school.name, school.township, school)
    if township_id is not None:
        if not schools.filter(township_id=township_id).exists() and not is_county_wide(user):
            raise Http404("no such township")
        township = Division.objects.filter(pk=township_id, level=Division.Level.TOWNSHIP).first()
        if township is None or (
            user.role == Role.TOWNSHIP_OFFICER and township.pk != user.township_id
        ):
            raise Http404("no such township")
        if user.role in (Role.SCHOOL_OFFICER, Role.TEACHER):
            raise Http404("no such township")
        return Place("township", township.name, township)
    if user.role == Role.TOWNSHIP_OFFICER and user.township:
        return Place("township", user.township.name, user.township)
    if user.role in (Role.SCHOOL_OFFICER, Role.TEACHER) and user.school:
        return Place("school", user.school.name, user.school.township, user.school)
    county = Division.objects.filter(level=Division.Level.COUNTY).first()
    return Place("county", county.name if county else str(_("County")))


def place_reader(user: User, place: Place) -> User:
    """Who reads the registers at ``place``: the user at their own place; below it (a county role
    drilling into a township or school), an unsaved account of that place, so the register counts are
    the place's and never more than the user may see (the place is in scope already)."""
    if place.school is not None and user.school_id != place.school.pk:
        return User(
            username=user.username, role=Role.SCHOOL_OFFICER, school=place.school, is_active=True
        )
    if (
        place.level == "township"
        and place.township is not None
        and user.township_id != place.township.pk
    ):
        return User(
            username=user.username,
            role=Role.TOWNSHIP_OFFICER,
            township=place.township,
            is_active=True,
        )
    return user


def _schools(user: User, place: Place) -> list[School]:
    rows = schools_for(user).select_related("township")
    if place.school is not None:
        rows = rows.filter(pk=place.school.pk)
    elif place.township is not None:
        rows = rows.filter(township=place.township)
    return list(rows)


class _Breakdown:
    """The categories one level below the place: townships of the county, schools of a township, the
    school itself; each school's id maps to its category."""

    def __init__(self, place: Place, schools: list[School], url: str) -> None:
        self.place = place
        self.names: list[str] = []
        self.links: list[str] = []
        self.of: dict[int, int] = {}
        index: dict[Any, int] = {}
        for s in sorted(schools, key=lambda s: (s.township.code, s.code)):
            key, name, query = (
                (s.township_id, s.township.name, {"township": s.township_id})
                if place.level == "county"
                else (s.pk, s.name, {"school": s.pk})
            )
            if key not in index:
                index[key] = len(self.names)
                self.names.append(name)
                self.links.append("" if place.level == "school" else f"{url}?{urlencode(query)}")
            self.of[s.pk] = index[key]
        self.township_of = {
            s.township_id: self.of[s.pk] for s in schools if place.level == "county"
        }

    def sum(self, per_school: Iterable[tuple[int | None, float]]) -> list[float]:
        """Values per school summed up to the categories (schools outside the place ignored)."""
        values = [0.0] * len(self.names)
        for school_id, value in per_school:
            if school_id in self.of:
                values[self.of[school_id]] += value
        return values


# --- the areas -----------------------------------------------------------------------------------


def _students(term: Term | None, down: _Breakdown, list_url: str) -> Chart:
    rows = (
        Enrollment.objects.filter(term=term, school_id__in=list(down.of))
        .values_list("school_id", "stage")
        .annotate(n=Count("student_id", distinct=True))
        .order_by()
    )
    by_stage: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for school_id, stage, n in rows:
        by_stage[stage].append((school_id, n))
    series = [(s.label, down.sum(by_stage[s.value])) for s in choices.Stage if s.value in by_stage]
    return Chart(
        "students",
        _("Students of the schools here, by stage"),
        "stack",
        _("students"),
        down.names,
        series,
        down.links,
        list_url,
    )


def _poor(term: Term | None, down: _Breakdown) -> Chart:
    rows = (
        Enrollment.objects.filter(
            term=term,
            school_id__in=list(down.of),
            student__person__household__poverty_status=choices.PovertyStatus.REGISTERED,
        )
        .values_list("school_id")
        .annotate(n=Count("student_id", distinct=True))
        .order_by()
    )
    return Chart(
        "registered_poor",
        _("Students of registered-poor households"),
        "bar",
        _("students"),
        down.names,
        [(_("Registered-poor"), down.sum(rows))],
        down.links,
    )


def _aid(term: Term | None, down: _Breakdown) -> Chart | None:
    aid_term = aid_term_for(term.code) if term else None
    if term is None or aid_term is None:
        return None
    rows = (
        Entitlement.objects.filter(
            aid_term=aid_term, status=Entitlement.Status.DUE, school_id__in=list(down.of)
        )
        .values_list("program", "payee")
        .annotate(fen=Sum("amount_fen"))
        .order_by()
    )
    names = {p.code: p.spec.name for p in pack_for(term.code).programs}
    order = {code: i for i, code in enumerate(names)}
    programs = sorted({program for program, _payee, _fen in rows}, key=lambda p: order.get(p, 99))
    families = {p: 0 for p in programs}
    schools = {p: 0 for p in programs}
    for program, payee, fen in rows:
        (schools if payee == "school" else families)[program] += int(fen or 0)
    return Chart(
        "aid",
        _("Aid due this term by program"),
        "stack",
        _("10,000 yuan"),
        [names.get(p, p) for p in programs],
        [
            (_("Paid to families"), [float(wan(families[p])) for p in programs]),
            (_("Paid to schools"), [float(wan(schools[p])) for p in programs]),
        ],
        list_url=reverse("aid_ledger") + "?" + urlencode({"term": term.code}),
    )


def _cases(user: User, place: Place, down: _Breakdown, today: date) -> Chart:
    cases = Case.objects.filter(case_scope(user)).exclude(status=Case.Status.CLOSED)
    if place.school is not None:
        cases = cases.filter(school=place.school)
    elif place.township is not None:
        cases = cases.filter(Q(township=place.township) | Q(school__township=place.township))
    counted = (
        cases.values_list("school_id", "township_id", "status").annotate(n=Count("pk")).order_by()
    )
    per: dict[str, list[tuple[int | None, float]]] = defaultdict(list)
    for school_id, township_id, status, n in counted:
        per[status].append(_case_place(down, school_id, township_id, n))
    late = [
        _case_place(down, s.step.case.school_id, s.step.case.township_id, 1)
        for s in overdue_steps(user, today)
    ]
    return Chart(
        "cases",
        _("Open dropout cases and overdue steps"),
        "bar",
        _("cases"),
        down.names,
        [
            (_("Suspected dropouts"), _summed(down, per[Case.Status.SUSPECTED])),
            (_("Dropouts"), _summed(down, per[Case.Status.DROPOUT])),
            (_("Overdue steps"), _summed(down, late)),
        ],
        down.links,
        reverse("retention_cases"),
    )


def _case_place(
    down: _Breakdown, school_id: int | None, township_id: int | None, n: float
) -> tuple[Any, float]:
    """A case counts at its school, or at the county level by its township when it has none."""
    if down.place.level == "county" and township_id in down.township_of:
        return ("township", township_id), n
    return school_id, n


def _summed(down: _Breakdown, pairs: list[tuple[Any, float]]) -> list[float]:
    values = [0.0] * len(down.names)
    for key, n in pairs:
        if isinstance(key, tuple):
            values[down.township_of[key[1]]] += n
        elif key in down.of:
            values[down.of[key]] += n
    return values


def _care(user: User, down: _Breakdown) -> Chart:
    as_of = care_date(timezone.localdate())
    report = coverage(user, as_of.strftime("%Y-%m"))
    return Chart(
        "care",
        _("Special-group children and their helpers"),
        "bar",
        _("children"),
        down.names,
        [
            (_("Special-group children"), down.sum((r.id, r.special) for r in report.schools)),
            (_("Paired with a helper"), down.sum((r.id, r.paired) for r in report.schools)),
            (_("Overdue"), down.sum((r.id, r.overdue) for r in report.schools)),
        ],
        down.links,
        reverse("care_index"),
    )


def _home_teaching(user: User, term: Term | None, down: _Breakdown, today: date) -> Chart | None:
    if term is None:
        return None
    report = compliance.build(user, term=term, as_of=min(today, term.end_date))
    return Chart(
        "home_teaching",
        _("Home-delivered teaching: visits and hours"),
        "bar",
        _("children"),
        down.names,
        [
            (_("Children taught at home"), down.sum((c.school_id, 1) for c in report.children)),
            (_("Visits kept"), down.sum((c.school_id, c.visits_met) for c in report.children)),
            (_("Hours kept"), down.sum((c.school_id, c.hours_met) for c in report.children)),
        ],
        down.links,
        reverse("inclusion_compliance"),
    )


def _balance(user: User, down: _Breakdown, year: int) -> Chart:
    parts = balance_for(user, year).assessed.select("school_id", "passes").iter_rows()
    rows = list(parts)
    return Chart(
        "balance",
        _("Compulsory schools meeting the balance standard"),
        "bar",
        _("schools"),
        down.names,
        [
            (_("Assessed"), down.sum((school_id, 1) for school_id, _p in rows)),
            (
                _("Meeting the standard"),
                down.sum((school_id, passes) for school_id, passes in rows),
            ),
        ],
        down.links,
        reverse("schools_indicators") + f"?year={year}",
    )


# --- the board -----------------------------------------------------------------------------------


def _crumbs(place: Place, user: User, url: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if is_county_wide(user):
        county = Division.objects.filter(level=Division.Level.COUNTY).first()
        out.append((county.name if county else str(_("County")), url))
    if place.township is not None and user.role not in (Role.SCHOOL_OFFICER, Role.TEACHER):
        out.append((place.township.name, f"{url}?{urlencode({'township': place.township.pk})}"))
    if place.school is not None:
        out.append((place.school.name, f"{url}?{urlencode({'school': place.school.pk})}"))
    return out


def board(user: User, place: Place, *, today: date | None = None) -> Board:
    """The charts of every area the user may read, at ``place``."""
    today = today or timezone.localdate()
    term = current_term()
    url = reverse("overview")
    schools = _schools(user, place)
    down = _Breakdown(place, schools, url)
    charts: list[Chart | None] = [
        _students(term, down, reverse("school_list")),
        _poor(term, down),
    ]
    areas: list[tuple[Callable[[Any], bool], Callable[[], Chart | None]]] = [
        (may_read_aid, lambda: _aid(term, down)),
        (may_read_retention, lambda: _cases(user, place, down, ledger_date(today))),
        (may_read_care, lambda: _care(user, down)),
        (may_read_inclusion, lambda: _home_teaching(user, term, down, ledger_date(today))),
        (may_read_schools, lambda: _balance(user, down, latest_conditions_year() or today.year)),
    ]
    charts += [make() for allowed, make in areas if allowed(user)]
    return Board(
        place=place,
        term=term,
        as_of=today,
        charts=[c for c in charts if c is not None],
        crumbs=_crumbs(place, user, url),
    )


def cached_board(user: User, place: Place, *, today: date | None = None) -> Board:
    """``board`` kept for ``caching.CACHE_SECONDS`` per scope, place and language, and made anew as soon as
    anything is written (the latest audit row's id is part of the key)."""
    return cached(user, place, "board", lambda: board(user, place, today=today))


def cached(user: User, place: Place, name: str, build: Callable[[], T]) -> T:
    """What ``build`` gives, kept as ``cached_board`` keeps the board."""
    return cached_in_scope(user, f"{name}:{place.query()}", build)
