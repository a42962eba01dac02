"""The one refusal of the outreach app: a clear message naming what is wrong, nothing changed."""

from __future__ import annotations


class OutreachRefused(Exception):
    """An action refused: bad input, out of scope, or not allowed in the card's state."""
