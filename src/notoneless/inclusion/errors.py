"""The one refusal of the inclusion app: a clear message (Chinese, then English) naming the field;
nothing is changed."""

from __future__ import annotations


class InclusionRefused(Exception):
    """An action refused: bad or missing input, out of scope, or not allowed in this state."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field
