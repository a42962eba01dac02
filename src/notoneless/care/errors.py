"""The one refusal of the care app: a clear message (Chinese, then English), nothing changed."""

from __future__ import annotations


class CareRefused(Exception):
    """An action refused: bad input, out of scope, over a limit."""
