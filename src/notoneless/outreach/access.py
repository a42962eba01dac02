"""Who may do what in publicity. Reads are scoped like the registers (``selectors``); these predicates
say which roles see the pages and which may write.

- Every role reads (the county roles all of it, a township officer the township's households, a school
  officer or teacher the households of the school's students); the auditor and the aid officer only read.
- Township officers record visits, card printing and delivery for the township's households, and the
  township's campaigns; teachers record visits to the households of their school's students; the county
  administrator and school officers record campaigns (county-wide or the school's own).
"""

from __future__ import annotations

from typing import Any

from notoneless.accounts.models import Role

__all__ = [
    "may_handle_cards",
    "may_read_outreach",
    "may_record_campaigns",
    "may_record_visits",
]

_READERS = frozenset(Role.values)
_VISITORS = frozenset({Role.TOWNSHIP_OFFICER, Role.TEACHER})
_CAMPAIGNERS = frozenset({Role.COUNTY_ADMIN, Role.TOWNSHIP_OFFICER, Role.SCHOOL_OFFICER})


def _active(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active)


def may_read_outreach(user: Any) -> bool:
    """Campaigns, visits, coverage, awareness, cards: every signed-in role, each within its scope."""
    return _active(user) and (user.is_superuser or user.role in _READERS)


def may_record_visits(user: Any) -> bool:
    """Record a home visit and its survey answers: township officers and teachers."""
    if not _active(user) or user.role not in _VISITORS:
        return False
    return bool(user.township_id if user.role == Role.TOWNSHIP_OFFICER else user.school_id)


def may_handle_cards(user: Any) -> bool:
    """Mark cards printed, record their delivery and signature: township officers."""
    return _active(user) and user.role == Role.TOWNSHIP_OFFICER and bool(user.township_id)


def may_record_campaigns(user: Any) -> bool:
    """Record a campaign: the county administrator, township officers and school officers."""
    return _active(user) and user.role in _CAMPAIGNERS
