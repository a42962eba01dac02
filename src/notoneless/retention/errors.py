"""The one refusal of the retention app: a clear message (Chinese, then English), nothing changed."""

from __future__ import annotations


class RetentionRefused(Exception):
    """An action refused: bad input, out of scope, or not allowed in the case's state."""
