"""The publicity rules (``rules/outreach.toml``): which households visits are for, loaded and
validated here."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from notoneless.lib.rulesfile import RulesError, load_model
from notoneless.registry.choices import PovertyStatus

__all__ = ["RULES_FILE", "OutreachRules", "RulesError", "default_rules", "load_rules"]

RULES_FILE = Path(__file__).resolve().parent / "rules" / "outreach.toml"


class OutreachRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(min_length=1)
    visit_statuses: tuple[PovertyStatus, ...] = Field(min_length=1)


def load_rules(path: Path = RULES_FILE) -> OutreachRules:

    return load_model(path, OutreachRules)


@cache
def default_rules() -> OutreachRules:
    return load_rules()
