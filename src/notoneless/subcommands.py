"""The shape every app's command shares: ``notoneless <app> SUBCOMMAND ...``. The app's ``cli``
package lists its modules in ``MODULES``; each adds its subcommands with ``register(subparsers)`` and
sets ``run(command, options)``. The app's refusal becomes a one-line error, never a traceback."""

from __future__ import annotations

import importlib
from typing import Any, ClassVar

from django.core.management.base import BaseCommand, CommandError, CommandParser

from notoneless.accounts.models import Role, User


class SubcommandsCommand(BaseCommand):
    cli_package: ClassVar[str]  # e.g. "notoneless.care.cli"
    refusals: ClassVar[tuple[type[Exception], ...]]

    def add_arguments(self, parser: CommandParser) -> None:
        subparsers = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        package = importlib.import_module(self.cli_package)
        for name in package.MODULES:
            importlib.import_module(f"{self.cli_package}.{name}").register(subparsers)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            options["run"](self, options)
        except self.refusals as exc:
            raise CommandError(str(exc)) from None


def county_user() -> User:
    """An unsaved county administrator: a command run on the server acts for the bureau (its audit
    rows carry the name ``cli``)."""
    return User(username="cli", role=Role.COUNTY_ADMIN, is_active=True)


def acting_user(username: str | None) -> User:
    """The active account named on the command line, or the county (no name)."""
    if not username:
        return county_user()
    found = User.objects.filter(username=username, is_active=True).first()
    if found is None:
        raise CommandError(f"没有此账号 / no active account {username!r}")
    return found
