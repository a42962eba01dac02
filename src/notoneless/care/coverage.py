"""The coverage report (帮扶覆盖): per school and township, the month's special-group children, how many
have a helper, how many were contacted in the month and how many have an overdue pair.

Every figure counts children, and each is a subset of the one before it in the definition:

- ``special``: children of the school in the term (``term_on`` the month's reference day) in at least
  one group (``groups.special_children``);
- ``paired``: of those, children with a pairing in force on the reference day;
- ``contacted``: of those, children with at least one support entry dated in the month (any kind, home
  visits included);
- ``overdue``: of the paired, children with at least one pair overdue on the reference day.

The reference day is the month's last day, or today while the month is still running.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone

from notoneless.care.care_rules import default_rules
from notoneless.care.errors import CareRefused
from notoneless.care.groups import special_children
from notoneless.care.models import Pairing, SupportEntry
from notoneless.care.overdue import overdue
from notoneless.care.selectors import (
    active_on,
    care_schools,
    month_bounds,
    term_on,
    terms_as_periods,
)

__all__ = ["FIGURES", "Coverage", "Row", "coverage"]

FIGURES = ("special", "paired", "contacted", "overdue")


@dataclass
class Row:
    code: str
    name: str
    township_code: str = ""
    township: str = ""
    special: int = 0
    paired: int = 0
    contacted: int = 0
    overdue: int = 0
    id: int = 0

    def add(self, other: Row) -> None:
        for f in FIGURES:
            setattr(self, f, getattr(self, f) + getattr(other, f))


@dataclass
class Coverage:
    month: str
    as_of: date
    term: str
    schools: list[Row] = field(default_factory=list)
    townships: list[Row] = field(default_factory=list)
    total: Row = field(default_factory=lambda: Row("", ""))

    def as_dict(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "as_of": self.as_of.isoformat(),
            "term": self.term,
            "rules_version": default_rules().version,
            "schools": [asdict(r) for r in self.schools],
            "townships": [asdict(r) for r in self.townships],
            "total": {f: getattr(self.total, f) for f in FIGURES},
        }


def parse_month(month: str) -> tuple[date, date]:
    try:
        return month_bounds(month)
    except ValueError:
        raise CareRefused(f"月份格式应为 YYYY-MM / month: {month!r} is not YYYY-MM") from None


def coverage(user: Any, month: str, today: date | None = None) -> Coverage:
    first, last = parse_month(month)
    today = today or timezone.localdate()
    as_of = min(last, today) if first <= today else last
    term = term_on(as_of)
    schools = list(care_schools(user))
    frame = special_children(term, [s.pk for s in schools])
    child_school = dict(
        zip(frame["person_id"].to_list(), frame["school_id"].to_list(), strict=True)
    )
    pairs = list(
        Pairing.objects.filter(active_on(as_of), person_id__in=list(child_school)).values_list(
            "pk", "person_id", "started_on"
        )
    )
    person_of = {pk: person for pk, person, _ in pairs}
    entries = list(
        SupportEntry.objects.filter(pairing_id__in=list(person_of), on__lte=as_of).values_list(
            "pairing_id", "kind", "on"
        )
    )
    late = overdue(
        [(pk, started) for pk, _, started in pairs],
        entries,
        as_of=as_of,
        terms=terms_as_periods(),
        rules=default_rules(),
    )
    paired = set(person_of.values())
    contacted = {person_of[pk] for pk, _, on in entries if first <= on <= last}
    late_children = {person_of[pk] for pk in late}
    rows = {s.pk: Row(s.code, s.name, s.township.code, s.township.name, id=s.pk) for s in schools}
    for person, school_id in child_school.items():
        row = rows[school_id]
        row.special += 1
        row.paired += person in paired
        row.contacted += person in contacted
        row.overdue += person in late_children
    report = Coverage(month, as_of, term.code if term else "")
    report.schools = list(rows.values())
    towns: dict[str, Row] = {}
    for r in report.schools:
        town = towns.setdefault(r.township_code, Row(r.township_code, r.township))
        town.add(r)
        report.total.add(r)
    report.townships = [towns[k] for k in sorted(towns)]
    return report
