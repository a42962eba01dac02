"""Shared pieces of the inclusion subcommands."""

from __future__ import annotations

from notoneless.accounts.models import Role, User


def county_actor() -> User:
    """An unsaved county administrator: a command run on the server acts for the whole county."""
    return User(username="cli", role=Role.COUNTY_ADMIN, is_active=True)
