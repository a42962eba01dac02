"""The county's compulsory school age rule, loaded once from ``rules/school_age.toml``."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from notoneless.lib.school_age import SchoolAgeRule

RULE_FILE = Path(__file__).resolve().parent / "rules" / "school_age.toml"


@cache
def school_age_rule() -> SchoolAgeRule:
    return SchoolAgeRule.load(RULE_FILE)
