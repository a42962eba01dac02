"""Who may do what in the schools area (精准补短). Reads are scoped like the registers: a school officer
sees their school (and its teaching points), a township officer the township's schools, county roles
all; a teacher sees their own itinerant timetable and training.

- county administrator: import, edit conditions and projects, make itinerant plans;
- school officer: edit their own school's conditions;
- township officer, auditor: read;
- aid officer: no pages here (not aid work).
"""

from __future__ import annotations

from typing import Any

from notoneless.accounts.models import Role

__all__ = [
    "may_edit_conditions",
    "may_manage_schools",
    "may_read_schools",
    "may_see_own_timetable",
]

_READERS = frozenset({Role.COUNTY_ADMIN, Role.SCHOOL_OFFICER, Role.TOWNSHIP_OFFICER, Role.AUDITOR})


def _active(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active)


def may_read_schools(user: Any) -> bool:
    """Balance indicators, projects, staffing, itinerant plans and training, within the user's scope."""
    return _active(user) and (user.is_superuser or user.role in _READERS)


def may_manage_schools(user: Any) -> bool:
    """Projects, plans, every school's conditions: the county administrator."""
    return _active(user) and (user.is_superuser or user.role == Role.COUNTY_ADMIN)


def may_edit_conditions(user: Any) -> bool:
    """A school's conditions: the county administrator, or the school's own officer (the selector
    checks the school is theirs)."""
    return may_manage_schools(user) or (
        _active(user) and user.role == Role.SCHOOL_OFFICER and bool(user.school_id)
    )


def may_see_own_timetable(user: Any) -> bool:
    """A teacher whose account is tied to a teacher record sees their itinerant week."""
    return _active(user) and user.role == Role.TEACHER and bool(user.teacher_id)
