"""Shared pieces of the retention subcommands."""

from __future__ import annotations

from notoneless.accounts.models import Role, User


def county_reader() -> User:
    """An unsaved county administrator: a command run on the server reads the whole county."""
    return User(username="cli", role=Role.COUNTY_ADMIN, is_active=True)
