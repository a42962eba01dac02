"""``notoneless care SUBCOMMAND``: care from a terminal. Each module adds its subcommands with
``register(subparsers)``; a subcommand's function takes the command and its options."""

from __future__ import annotations

MODULES = ("groups", "pairing", "log", "coverage")
