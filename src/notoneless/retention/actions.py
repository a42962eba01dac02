"""Writes of the retention app: the dropout scan that opens, updates and escalates cases."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from notoneless.audit.actions import record
from notoneless.registry.models import Term
from notoneless.retention import bulk
from notoneless.retention.dropout_rules import DropoutRules, default_rules
from notoneless.retention.models import Case

__all__ = ["NoTerm", "ScanResult", "scan"]


class NoTerm(LookupError):
    """No term holds the scan date."""


@dataclass(frozen=True)
class ScanResult:
    as_of: date
    term: str
    opened: int
    updated: int
    unchanged: int
    escalated: int

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "as_of": self.as_of.isoformat()}


def _term_of(as_of: date) -> Term:
    term = (
        Term.objects.filter(start_date__lte=as_of, end_date__gte=as_of)
        .order_by("-start_date")
        .first()
    )
    if term is None:
        raise NoTerm(f"no term holds {as_of.isoformat()} (没有包含该日期的学期)")
    return term


def _detail(row: dict[str, Any], rules: DropoutRules) -> dict[str, Any]:
    threshold = (
        rules.consecutive_unexcused_days
        if row["trigger"] == Case.Trigger.CONSECUTIVE
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


def scan(*, as_of: date, acting_user: Any, rules: DropoutRules | None = None) -> ScanResult:
    """Open a case for every enrolled student the dropout rules flag as of ``as_of`` (one open case per
    student and trigger), refresh the detail of open ones, and escalate suspected cases open longer than
    ``suspected_to_dropout_days`` to dropout. Idempotent: the same data scanned twice opens nothing."""
    rules = rules or default_rules()
    term = _term_of(as_of)
    days = bulk.school_days(term.start_date, min(term.end_date, as_of))
    found = bulk.suspects(
        bulk.read_places(term.pk),
        bulk.read_absences(term.start_date, as_of),
        days,
        as_of,
        rules,
    )
    with transaction.atomic():
        open_cases = {
            (c.student_id, c.trigger): c
            for c in Case.objects.select_for_update().filter(status__in=Case.OPEN)
        }
        new, changed, unchanged = [], [], 0
        for row in found.iter_rows(named=True):
            detail = _detail(row, rules)
            case = open_cases.get((row["student_id"], row["trigger"]))
            if case is None:
                new.append(
                    Case(
                        student_id=row["student_id"],
                        school_id=row["school_id"],
                        trigger=row["trigger"],
                        opened_on=as_of,
                        detail=detail,
                    )
                )
            elif case.detail != detail:
                case.detail, case.updated_at = detail, timezone.now()
                changed.append(case)
            else:
                unchanged += 1
        Case.objects.bulk_create(new, batch_size=1000)
        Case.objects.bulk_update(changed, ["detail", "updated_at"], batch_size=1000)
        escalated = Case.objects.filter(
            status=Case.Status.SUSPECTED,
            opened_on__lte=as_of - timedelta(days=rules.suspected_to_dropout_days),
        ).update(status=Case.Status.DROPOUT, updated_at=timezone.now())
        result = ScanResult(as_of, term.code, len(new), len(changed), unchanged, escalated)
        record(
            "retention.scan",
            acting_user=acting_user,
            object_type="term",
            object_id=term.code,
            detail={**result.as_dict(), "rules": rules.version},
        )
    return result
