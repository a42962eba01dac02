"""The writes of inclusive education, one place to find them (each in its own module)."""

from __future__ import annotations

from notoneless.inclusion.placements import (
    add_assessment,
    decide_placement,
    propose_all,
    propose_placement,
)
from notoneless.inclusion.plans import add_pause, issue_code, save_plan_version
from notoneless.inclusion.sessions import record_session

__all__ = [
    "add_assessment",
    "add_pause",
    "decide_placement",
    "issue_code",
    "propose_all",
    "propose_placement",
    "record_session",
    "save_plan_version",
]
