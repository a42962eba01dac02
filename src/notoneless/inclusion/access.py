"""Who may do what in inclusive education. The county administrator acts for the expert committee
(records decisions); school officers propose placements and manage the plans of their school's
children; teachers record sessions for the children whose plan names them; township officers and
auditors read. The aid officer's work is aid: no access (disability is sensitive information)."""

from __future__ import annotations

from typing import Any

from notoneless.accounts.models import Role

__all__ = [
    "may_decide_placements",
    "may_manage_plans",
    "may_propose_placements",
    "may_read_inclusion",
    "may_record_sessions",
]

_READERS = frozenset(
    {Role.COUNTY_ADMIN, Role.SCHOOL_OFFICER, Role.TOWNSHIP_OFFICER, Role.TEACHER, Role.AUDITOR}
)
_PROPOSERS = frozenset({Role.COUNTY_ADMIN, Role.SCHOOL_OFFICER})
_SESSION_RECORDERS = frozenset({Role.COUNTY_ADMIN, Role.SCHOOL_OFFICER, Role.TEACHER})


def _active(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active)


def may_read_inclusion(user: Any) -> bool:
    """Placements, plans, sessions and the compliance report (each scoped)."""
    return _active(user) and (user.is_superuser or user.role in _READERS)


def may_propose_placements(user: Any) -> bool:
    """Enter an assessment and ask the rules for a placement proposal."""
    return _active(user) and (user.is_superuser or user.role in _PROPOSERS)


def may_decide_placements(user: Any) -> bool:
    """Record the expert committee's decision (the county administrator acts for the committee)."""
    return _active(user) and (user.is_superuser or user.role == Role.COUNTY_ADMIN)


def may_manage_plans(user: Any) -> bool:
    """Write a plan's versions, issue the guardian's code, record pauses."""
    return _active(user) and (user.is_superuser or user.role in _PROPOSERS)


def may_record_sessions(user: Any) -> bool:
    """Record a home-teaching session: a teacher for a plan naming them (the account's teacher row);
    a school officer or the county from the paper record book, naming the teacher."""
    if not _active(user):
        return False
    if user.role == Role.TEACHER:
        return bool(user.teacher_id)
    return bool(user.is_superuser or user.role in _SESSION_RECORDERS)
