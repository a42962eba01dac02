"""The publicity rules (``rules/outreach.toml``): which households visits are for, loaded and
validated here."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from notoneless.registry.choices import PovertyStatus

__all__ = ["RULES_FILE", "OutreachRules", "RulesError", "default_rules", "load_rules"]

RULES_FILE = Path(__file__).resolve().parent / "rules" / "outreach.toml"


class RulesError(ValueError):
    """The rules file is malformed; the message names the file and the key."""


class OutreachRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(min_length=1)
    visit_statuses: tuple[PovertyStatus, ...] = Field(min_length=1)


def load_rules(path: Path = RULES_FILE) -> OutreachRules:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{path.name}: not valid TOML: {exc}") from exc
    try:
        return OutreachRules.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise RulesError(f"{path.name}: {problems}") from None


@cache
def default_rules() -> OutreachRules:
    return load_rules()
