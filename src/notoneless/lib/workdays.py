"""Working days on the Chinese public-holiday calendar held as data (``holidays.toml``), without Django.

A day of a covered year is a working day when it is a make-up working day (调休上班), not when it is a
day off of a public holiday (法定节假日), and otherwise when it is Monday to Friday. A year the file does
not hold, or holds as not yet announced, is not covered: every question about it raises
:class:`CalendarNotCovered` rather than falling back to weekdays.

Conventions (all dates are calendar dates, no times):

- ``working_days_between(start, end)`` counts the working days ``d`` with ``start <= d < end``.
- ``add_working_days(start, n)`` is the ``n``-th working day after ``start``, ``start`` itself not
  counted; ``n = 0`` gives ``start``; a negative ``n`` counts backwards.
- ``notice_ends(start, k)``: a public notice (公示) posted on ``start`` must stay up for ``k`` working
  days. The posting day counts as day 1 when it is a working day (otherwise day 1 is the next working
  day); the result is the calendar day after day ``k``, the first date on which export is allowed.
  It may fall on a weekend or holiday.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "CALENDAR_FILE",
    "CalendarNotCovered",
    "HolidayCalendar",
    "HolidayFileError",
    "add_working_days",
    "covered",
    "is_working_day",
    "load_calendar",
    "notice_ends",
    "working_days_between",
]

CALENDAR_FILE = Path(__file__).resolve().parent / "holidays.toml"
ANNOUNCED, NOT_ANNOUNCED = "announced", "not announced"
YEAR_KEYS = {"status", "source", "holiday"}
HOLIDAY_KEYS = {"name", "off", "work"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ONE_DAY = timedelta(days=1)


class CalendarNotCovered(LookupError):
    """The holiday file does not hold this year (or holds it as not yet announced)."""

    def __init__(self, d: date) -> None:
        self.year = d.year
        super().__init__(
            f"{d.isoformat()}: the holiday calendar does not cover {d.year}; add the year's "
            f"announced holidays to holidays.toml (节假日安排未收录 {d.year} 年)"
        )


class HolidayFileError(ValueError):
    """The holiday file is malformed; the message names the file, year and entry."""


@dataclass(frozen=True)
class HolidayCalendar:
    years: frozenset[int]
    days_off: frozenset[date]
    make_up_days: frozenset[date]

    def covered(self, d: date) -> bool:
        return d.year in self.years

    def is_working_day(self, d: date) -> bool:
        if not self.covered(d):
            raise CalendarNotCovered(d)
        if d in self.make_up_days:
            return True
        return d not in self.days_off and d.weekday() < 5

    def add_working_days(self, start: date, n: int) -> date:
        step = ONE_DAY if n >= 0 else -ONE_DAY
        d, left = start, abs(n)
        while left:
            d += step
            if self.is_working_day(d):
                left -= 1
        return d

    def working_days_between(self, start: date, end: date) -> int:
        if end < start:
            raise ValueError(f"end {end} is before start {start}")
        return sum(self.is_working_day(d) for d in _days(start, end))

    def notice_ends(self, start: date, working_days: int = 5) -> date:
        if working_days < 1:
            raise ValueError("a notice lasts at least one working day")
        after_day_1 = working_days - 1 if self.is_working_day(start) else working_days
        return self.add_working_days(start, after_day_1) + ONE_DAY


def load_calendar(path: Path = CALENDAR_FILE) -> HolidayCalendar:
    """Read and validate a holiday file; a bad entry raises HolidayFileError naming it."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise HolidayFileError(f"{path.name}: not valid TOML: {exc}") from exc
    years: set[int] = set()
    off: dict[date, str] = {}
    work: dict[date, str] = {}
    for key, table in raw.items():
        where = f"{path.name} [{key}]"
        year = _year(key, table, where)
        if table["status"] == ANNOUNCED:
            years.add(year)
        for i, holiday in enumerate(table.get("holiday", [])):
            _read_holiday(holiday, year, f"{where} holiday {i + 1}", off, work)
    _check_overlap(off, work, path.name)
    return HolidayCalendar(frozenset(years), frozenset(off), frozenset(work))


def _year(key: str, table: Any, where: str) -> int:
    if not re.fullmatch(r"\d{4}", key) or not isinstance(table, dict):
        raise HolidayFileError(f"{where}: a section must be a four-digit year")
    unknown = set(table) - YEAR_KEYS
    if unknown:
        raise HolidayFileError(f"{where}: unknown keys {sorted(unknown)}")
    if table.get("status") not in (ANNOUNCED, NOT_ANNOUNCED):
        raise HolidayFileError(f'{where}: status must be "{ANNOUNCED}" or "{NOT_ANNOUNCED}"')
    if table["status"] == NOT_ANNOUNCED and table.get("holiday"):
        raise HolidayFileError(f"{where}: a year not announced cannot list holidays")
    return int(key)


def _read_holiday(
    holiday: Any, year: int, where: str, off: dict[date, str], work: dict[date, str]
) -> None:
    if not isinstance(holiday, dict) or not isinstance(holiday.get("name"), str):
        raise HolidayFileError(f"{where}: a holiday needs a name")
    where = f"{where} ({holiday['name']})"
    unknown = set(holiday) - HOLIDAY_KEYS
    if unknown:
        raise HolidayFileError(f"{where}: unknown keys {sorted(unknown)}")
    for kind, seen in (("off", off), ("work", work)):
        for entry in _entries(holiday.get(kind, []), f"{where} {kind}"):
            for d in _expand(entry, year, f"{where} {kind} {entry!r}"):
                if kind == "work" and d.weekday() < 5:
                    raise HolidayFileError(
                        f"{where} work {entry!r}: {d} is a weekday; a make-up working day "
                        "is a Saturday or Sunday"
                    )
                if d in seen:
                    raise HolidayFileError(f"{where} {kind} {entry!r}: {d} is listed twice")
                seen[d] = where


def _entries(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise HolidayFileError(f'{where}: expected a list of "YYYY-MM-DD" strings')
    return value


def _expand(entry: str, year: int, where: str) -> list[date]:
    first, _, last = entry.partition("..")
    start = _parse(first, where)
    end = _parse(last, where) if last else start
    if end < start:
        raise HolidayFileError(f"{where}: the range ends before it starts")
    if start.year != year or end.year != year:
        raise HolidayFileError(f"{where}: the date is not in {year}; put it under [{start.year}]")
    return list(_days(start, end + ONE_DAY))


def _parse(text: str, where: str) -> date:
    text = text.strip()
    try:
        if not _DATE.match(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise HolidayFileError(f"{where}: {text!r} is not a date (YYYY-MM-DD)") from None


def _check_overlap(off: dict[date, str], work: dict[date, str], name: str) -> None:
    both = sorted(off.keys() & work.keys())
    if both:
        d = both[0]
        raise HolidayFileError(
            f"{name}: {d} is both a day off ({off[d]}) and a make-up working day ({work[d]})"
        )


def _days(start: date, end: date) -> Iterator[date]:
    d = start
    while d < end:
        yield d
        d += ONE_DAY


@cache
def default_calendar() -> HolidayCalendar:
    return load_calendar()


def covered(d: date) -> bool:
    """Whether the shipped calendar holds the year of ``d`` as announced."""
    return default_calendar().covered(d)


def is_working_day(d: date) -> bool:
    return default_calendar().is_working_day(d)


def add_working_days(start: date, n: int) -> date:
    return default_calendar().add_working_days(start, n)


def working_days_between(start: date, end: date) -> int:
    """Working days ``d`` with ``start <= d < end`` (0 when ``start == end``)."""
    return default_calendar().working_days_between(start, end)


def notice_ends(start: date, working_days: int = 5) -> date:
    """The first date on which export is allowed after a notice posted on ``start``."""
    return default_calendar().notice_ends(start, working_days)
