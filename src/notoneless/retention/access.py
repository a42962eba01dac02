"""Who may do what in dropout control. Reads are scoped like the registers (school, township, county);
these predicates say which roles see the pages and which may write."""

from __future__ import annotations

from typing import Any

from notoneless.accounts.models import Role

__all__ = ["may_close_cases", "may_read_retention", "may_record_attendance", "may_work_cases"]

_READERS = frozenset(
    {
        Role.COUNTY_ADMIN,
        Role.SCHOOL_OFFICER,
        Role.TOWNSHIP_OFFICER,
        Role.TEACHER,
        Role.AUDITOR,
    }
)
_CASE_WORKERS = frozenset(
    {Role.COUNTY_ADMIN, Role.SCHOOL_OFFICER, Role.TOWNSHIP_OFFICER, Role.TEACHER}
)
_CASE_CLOSERS = frozenset({Role.COUNTY_ADMIN, Role.SCHOOL_OFFICER, Role.TOWNSHIP_OFFICER})
_ATTENDANCE_TAKERS = frozenset({Role.SCHOOL_OFFICER, Role.TEACHER})


def _active(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active)


def may_read_retention(user: Any) -> bool:
    """Cases, ledgers, attendance and early warning: every role but the aid officer (whose work is aid)."""
    return _active(user) and (user.is_superuser or user.role in _READERS)


def may_work_cases(user: Any) -> bool:
    """Record a step of a case (a home visit, a report, a notice)."""
    return _active(user) and (user.is_superuser or user.role in _CASE_WORKERS)


def may_close_cases(user: Any) -> bool:
    """Record a case's outcome (returned, transferred, placed, deferred, moved away, explained)."""
    return _active(user) and (user.is_superuser or user.role in _CASE_CLOSERS)


def may_record_attendance(user: Any) -> bool:
    """Enter a class's absences: teachers and school officers, for their own school."""
    return _active(user) and user.role in _ATTENDANCE_TAKERS and bool(user.school_id)
