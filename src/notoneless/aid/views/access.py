"""Who may use the aid pages: reading is for the roles that work with aid; running the cycle is for the
county aid office (the actions check again)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from notoneless.accounts.models import Role

READ_ROLES = frozenset({Role.AID_OFFICER, Role.COUNTY_ADMIN, Role.SCHOOL_OFFICER, Role.AUDITOR})
RUN_ROLES = frozenset({Role.AID_OFFICER, Role.COUNTY_ADMIN})
COUNTY_READ_ROLES = frozenset({Role.AID_OFFICER, Role.COUNTY_ADMIN, Role.AUDITOR})


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def may_read_aid(user: Any) -> bool:
    """Aid officers, county administrators, school officers (their schools), auditors, superusers."""
    return _active(user) and (user.is_superuser or user.role in READ_ROLES)


def may_run_aid(user: Any) -> bool:
    """Compute, compile, approve, reopen, return lists, install packs: the county aid office."""
    return _active(user) and (user.is_superuser or user.role in RUN_ROLES)


def may_read_county_aid(user: Any) -> bool:
    """Policy packs are the county's: read by the county roles only."""
    return _active(user) and (user.is_superuser or user.role in COUNTY_READ_ROLES)


def may_submit_lists(user: Any) -> bool:
    """A school officer submits the school's checked list (the action checks the school)."""
    return _active(user) and user.role == Role.SCHOOL_OFFICER


def check_may_read_county(user: Any) -> None:
    if not may_read_county_aid(user):
        raise PermissionDenied("county aid pages only")
