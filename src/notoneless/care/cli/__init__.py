"""``notoneless care SUBCOMMAND``: care from a terminal. Each module adds its subcommands with
``register(subparsers)``; a subcommand's function takes the command and its options."""

from __future__ import annotations

import importlib
from typing import Any

MODULES = ("groups", "pairing", "log", "coverage")


def register(subparsers: Any) -> None:
    for name in MODULES:
        importlib.import_module(f"{__name__}.{name}").register(subparsers)
