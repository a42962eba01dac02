"""``notoneless schools SUBCOMMAND``: the schools area from a terminal. Each module adds its
subcommands with ``register(subparsers)``; a subcommand's function takes the command and its options.
Reads default to the whole county (``--user`` reads as an account); writes name their account."""

from __future__ import annotations

MODULES = ("balance", "staffing", "projects", "training", "itinerant")
