"""Who may do what in care (帮扶). Reads are scoped by school (school roles: their school and its
teaching points; township officer: the township's schools; county roles: all). A teacher reads the
school's children but only the logs of the pairs they help.

- school officer (and the county administrator): manage groups and pairings;
- teacher: log support for their own pairs (an account tied to its ``registry.Teacher`` row);
- township officer, county administrator, auditor: read;
- aid officer: no care pages (the families' circumstances in the log are not aid work).
"""

from __future__ import annotations

from typing import Any

from notoneless.accounts.models import Role

__all__ = ["may_log_support", "may_manage_care", "may_read_care"]

_READERS = frozenset(
    {
        Role.COUNTY_ADMIN,
        Role.SCHOOL_OFFICER,
        Role.TOWNSHIP_OFFICER,
        Role.TEACHER,
        Role.AUDITOR,
    }
)
_MANAGERS = frozenset({Role.COUNTY_ADMIN, Role.SCHOOL_OFFICER})


def _active(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active)


def may_read_care(user: Any) -> bool:
    """The care pages: every role but the aid officer."""
    return _active(user) and (user.is_superuser or user.role in _READERS)


def may_manage_care(user: Any) -> bool:
    """Correct a child's groups, pair and unpair (within the user's schools)."""
    return _active(user) and (user.is_superuser or user.role in _MANAGERS)


def may_log_support(user: Any) -> bool:
    """Log support: a teacher whose account is tied to a teacher record (for that teacher's pairs)."""
    return _active(user) and user.role == Role.TEACHER and bool(user.teacher_id)
