"""Shared pieces of the care subcommands."""

from __future__ import annotations

from datetime import date

from django.core.management.base import CommandError
from django.utils import timezone

from notoneless.accounts.models import Role, User
from notoneless.care import selectors
from notoneless.registry.models import School


def county_user() -> User:
    """An unsaved county administrator: a command run on the server acts for the bureau (its audit
    rows carry the name ``cli``)."""
    return User(username="cli", role=Role.COUNTY_ADMIN, is_active=True)


def acting_user(username: str | None) -> User:
    if not username:
        return county_user()
    found = User.objects.filter(username=username, is_active=True).first()
    if found is None:
        raise CommandError(f"没有此账号 / no active account {username!r}")
    return found


def school_by_code(user: User, code: str) -> School:
    found = selectors.care_schools(user).filter(code=code).first()
    if found is None:
        raise CommandError(f"没有此学校 / no school {code} (or not yours)")
    return found


def as_of(value: date | None) -> date:
    return value or selectors.care_date(timezone.localdate())
