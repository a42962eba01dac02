"""The school calendar as one read: a day is a school day of a school when a term holds it, the public
holiday calendar (``lib/holidays.toml``: holidays and make-up working days) makes it a working day,
and the school is not closed that day (``SchoolClosure``). Also the one write on it: a closure.

Reads here answer for single days (a teacher's page, an action's check) or for a file's few distinct
dates (the attendance import); whole terms are counted columnar in ``bulk``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone

from notoneless.audit.actions import record
from notoneless.lib import workdays
from notoneless.registry.models import School, Term
from notoneless.retention import bulk
from notoneless.retention.errors import RetentionRefused
from notoneless.retention.models import SchoolClosure

__all__ = [
    "NotASchoolDay",
    "add_closure",
    "holiday_name",
    "is_school_day",
    "not_a_school_day",
    "school_by_code",
    "school_days",
    "term_of",
    "today",
]


@dataclass(frozen=True)
class NotASchoolDay:
    """Why a date is not a school day, in Chinese and in English, naming the date and the cause."""

    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"


def today() -> date:
    """Today in the county (``TIME_ZONE``, Asia/Shanghai)."""
    return timezone.localdate()


def school_days(start: date, end: date) -> pl.DataFrame:
    """The school days ``start <= d <= end``, numbered: working days of the holiday calendar inside a
    term (``bulk.school_days`` with the Term table's dates), so a school year skips the winter break.
    School closures are per school: pass ``bulk.read_closures`` to the counting functions."""
    terms = list(
        Term.objects.filter(start_date__lte=end, end_date__gte=start).values_list(
            "start_date", "end_date"
        )
    )
    return bulk.school_days(start, end, terms=terms)


def term_of(d: date) -> Term | None:
    """The term holding ``d`` (the later one if two overlap), or None."""
    return Term.objects.filter(start_date__lte=d, end_date__gte=d).order_by("-start_date").first()


@cache
def _holiday_names() -> dict[date, str]:
    """Each day off of a public holiday with the holiday's name, from the same file as ``workdays``."""
    raw = tomllib.loads(workdays.CALENDAR_FILE.read_text(encoding="utf-8"))
    names: dict[date, str] = {}
    for table in raw.values():
        for holiday in table.get("holiday", []):
            for entry in holiday.get("off", []):
                first, _, last = entry.partition("..")
                d, end = (
                    date.fromisoformat(first.strip()),
                    date.fromisoformat((last or first).strip()),
                )
                while d <= end:
                    names[d] = holiday["name"]
                    d += timedelta(days=1)
    return names


def holiday_name(d: date) -> str | None:
    """The public holiday ``d`` is a day off of (春节, 国庆节, …), or None."""
    return _holiday_names().get(d)


def calendar_reason(d: date) -> NotASchoolDay | None:
    """Why ``d`` is not a working day of the county calendar (holiday, weekend, year not covered)."""
    iso = d.isoformat()
    try:
        if workdays.is_working_day(d):
            return None
    except workdays.CalendarNotCovered:
        return NotASchoolDay(
            f"{iso}：节假日安排未收录 {d.year} 年，无法判断是否上课",
            f"{iso}: the holiday calendar does not cover {d.year}; cannot tell whether it is a school day",
        )
    name = holiday_name(d)
    if name:
        return NotASchoolDay(
            f"{iso} 是法定节假日（{name}），不是上课日",
            f"{iso} is a public holiday ({name}), not a school day",
        )
    return NotASchoolDay(
        f"{iso} 是周末（不是调休上课日），不是上课日",
        f"{iso} is a weekend day (not a make-up working day), not a school day",
    )


def closure_reason(closure: SchoolClosure, d: date) -> NotASchoolDay:
    return NotASchoolDay(
        f"{d.isoformat()} 学校停课（{closure.reason}，{closure.start_date}至{closure.end_date}）",
        f"{d.isoformat()}: the school is closed ({closure.reason}, "
        f"{closure.start_date} to {closure.end_date})",
    )


def not_a_school_day(d: date, school_id: int | None = None) -> NotASchoolDay | None:
    """None when ``d`` is a school day (of ``school_id`` when given), else why not: outside every term,
    a public holiday (named), a weekend without make-up, a year the calendar does not cover, or a
    closure of the school (with its reason)."""
    if term_of(d) is None:
        return NotASchoolDay(
            f"{d.isoformat()} 不在任何学期内", f"{d.isoformat()} is outside every term"
        )
    reason = calendar_reason(d)
    if reason is not None or school_id is None:
        return reason
    closure = SchoolClosure.objects.filter(
        school_id=school_id, start_date__lte=d, end_date__gte=d
    ).first()
    return closure_reason(closure, d) if closure else None


def is_school_day(d: date, school_id: int | None = None) -> bool:
    """Whether ``d`` is a school day of the county (and of the school, when given)."""
    return not_a_school_day(d, school_id) is None


def calendar_reasons(dates: Iterable[date]) -> dict[date, NotASchoolDay]:
    """For a file's distinct dates: those that are not working days of the county calendar, and why."""
    found = {}
    for d in set(dates):
        reason = calendar_reason(d)
        if reason is not None:
            found[d] = reason
    return found


def school_by_code(code: str) -> School:
    """The school with this code (for the command line, which names schools by code)."""
    school = School.objects.filter(code=code.strip()).first()
    if school is None:
        raise RetentionRefused(
            f"学校标识码 {code} 不在学校名册中 / school code {code} is not in the school register"
        )
    return school


def add_closure(
    *, school: School, start_date: date, end_date: date, reason: str, acting_user: Any
) -> SchoolClosure:
    """Close ``school`` from ``start_date`` to ``end_date`` (both included): no absence counts on those
    days and they do not break a run. Refuses a range that ends before it starts, an empty reason, and
    a range overlapping another closure of the school. One transaction, one audit row."""
    reason = (reason or "").strip()
    if end_date < start_date:
        raise RetentionRefused(
            f"停课结束日 {end_date} 早于开始日 {start_date} / "
            f"the closure ends ({end_date}) before it starts ({start_date})"
        )
    if not reason:
        raise RetentionRefused("须填写停课原因 / a closure needs a reason")
    if len(reason) > SchoolClosure._meta.get_field("reason").max_length:  # type: ignore[operator]
        raise RetentionRefused("停课原因过长（最多200字）/ the reason is too long (200 at most)")
    with transaction.atomic():
        School.objects.select_for_update().filter(
            pk=school.pk
        ).first()  # one closure write at a time
        overlap = (
            SchoolClosure.objects.filter(
                school=school, start_date__lte=end_date, end_date__gte=start_date
            )
            .order_by("start_date")
            .first()
        )
        if overlap is not None:
            raise RetentionRefused(
                f"{school.name} 已有停课 {overlap.start_date}至{overlap.end_date}（{overlap.reason}），"
                f"与 {start_date}至{end_date} 重叠 / {school.code} already has a closure "
                f"{overlap.start_date} to {overlap.end_date} ({overlap.reason}) overlapping "
                f"{start_date} to {end_date}"
            )
        closure = SchoolClosure.objects.create(
            school=school,
            start_date=start_date,
            end_date=end_date,
            reason=reason,
            created_by=acting_user if getattr(acting_user, "pk", None) else None,
        )
        record(
            "retention.closure.add",
            acting_user=acting_user,
            object_type="SchoolClosure",
            object_id=closure.pk,
            detail={
                "school": school.code,
                "start_date": start_date.isoformat(),
                "end_date": end_date.isoformat(),
                "reason": reason,
            },
        )
    return closure
