"""``notoneless outreach SUBCOMMAND``: publicity from a terminal. Each module here adds its subcommands
with ``register(subparsers)``; a subcommand's function takes the command and its options."""

from __future__ import annotations

MODULES = ("reports", "visits", "cards")
