"""The three household-register checks (三比对), each a report of its own:

- 户籍 vs 学籍: children of compulsory school age on the household register (or in a registered-poor
  household) who hold no place in the county: the out-of-school leads of a matching run;
- 学籍 vs in school: students holding a place who were absent without excuse on at least the threshold's
  number of school days of the term (``rules.toml``, ``[checks]``);
- dropouts vs the poverty register: students of the term who dropped out or are suspended, with their
  household's poverty status, registered-poor ones first (the highest-priority cases).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from django.db.models import Count, Q

from notoneless.matching.models import Finding, MatchRun
from notoneless.registry.models import Enrollment, Term
from notoneless.retention.models import Absence

RULES = Path(__file__).resolve().parent / "rules.toml"
CHECKS = ("hukou-vs-roster", "roster-vs-attendance", "dropouts-vs-poverty")


def unexcused_days() -> int:
    return int(tomllib.loads(RULES.read_text(encoding="utf-8"))["checks"]["unexcused_days"])


def run_checks(term: Term, run: MatchRun | None) -> dict[str, list[dict[str, Any]]]:
    return {
        "hukou-vs-roster": hukou_vs_roster(run),
        "roster-vs-attendance": roster_vs_attendance(term, unexcused_days()),
        "dropouts-vs-poverty": dropouts_vs_poverty(term),
    }


def hukou_vs_roster(run: MatchRun | None) -> list[dict[str, Any]]:
    if run is None:
        return []
    leads = Finding.objects.filter(run=run, kind=Finding.Kind.OUT_OF_SCHOOL).select_related(
        "township"
    )
    return [
        {
            "finding": f.pk,
            "township": f.township.name if f.township else "",
            "village": f.detail.get("village") or "",
            "expected_grade": f.detail.get("expected_grade"),
            "verification": f.get_verification_display(),
            "reason": f.reason,
        }
        for f in leads.order_by("township__code", "pk")
    ]


def roster_vs_attendance(term: Term, min_days: int) -> list[dict[str, Any]]:
    """One query for the counts, one for the students' places."""
    absent = (
        Absence.objects.filter(date__range=(term.start_date, term.end_date), status="unexcused")
        .values("student_id")
        .annotate(days=Count("id"))
        .filter(days__gte=min_days)
    )
    days = {row["student_id"]: row["days"] for row in absent}
    places = (
        Enrollment.objects.filter(term=term, student_id__in=list(days))
        .filter(status__in=["enrolled", "home_taught"])
        .select_related("student__person", "school")
        .order_by("school__code", "grade", "class_name")
    )
    return [
        {
            "name": e.student.person.name,
            "student_number": e.student.student_number_masked,
            "school": e.school.name,
            "grade": e.grade,
            "class": e.class_name,
            "unexcused_days": days[e.student_id],
        }
        for e in places
    ]


def dropouts_vs_poverty(term: Term) -> list[dict[str, Any]]:
    left = (
        Enrollment.objects.filter(term=term)
        .filter(Q(status="dropped_out") | Q(status="suspended"))
        .select_related("student__person__household", "school")
    )
    rows = []
    for e in left:
        household = e.student.person.household
        status = household.poverty_status if household else "none"
        rows.append(
            {
                "name": e.student.person.name,
                "student_number": e.student.student_number_masked,
                "school": e.school.name,
                "grade": e.grade,
                "status": e.get_status_display(),
                "poverty_status": household.get_poverty_status_display() if household else "",
                "_order": 0 if status in ("registered", "exited") else 1,
            }
        )
    rows.sort(key=lambda r: (r.pop("_order"), r["school"], r["grade"]))
    return rows
