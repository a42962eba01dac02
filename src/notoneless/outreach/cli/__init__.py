"""``notoneless outreach SUBCOMMAND``: publicity from a terminal. Each module here adds its subcommands
with ``register(subparsers)``; a subcommand's function takes the command and its options."""

from __future__ import annotations

import importlib
from types import ModuleType

MODULES = ("reports", "visits", "cards")


def modules() -> list[ModuleType]:
    return [importlib.import_module(f"{__name__}.{name}") for name in MODULES]
