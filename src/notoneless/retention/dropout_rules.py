"""The dropout rules (``rules/dropout.toml``): thresholds as data, loaded and validated here."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path

__all__ = ["RULES_FILE", "DropoutRules", "RulesError", "default_rules", "load_rules"]

RULES_FILE = Path(__file__).resolve().parent / "rules" / "dropout.toml"


class RulesError(ValueError):
    """The rules file is malformed; the message names the file and the key."""


@dataclass(frozen=True)
class DropoutRules:
    version: str
    consecutive_unexcused_days: int
    unexcused_days_in_month: int
    transfer_grace_days: int
    suspected_to_dropout_days: int


_THRESHOLDS = [f.name for f in fields(DropoutRules) if f.name != "version"]


def load_rules(path: Path = RULES_FILE) -> DropoutRules:
    """Read and check a rules file: every threshold present, a positive integer, no unknown key."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{path.name}: not valid TOML: {exc}") from exc
    unknown = sorted(set(raw) - {"version", *_THRESHOLDS})
    if unknown:
        raise RulesError(f"{path.name}: unknown keys {unknown}")
    if not isinstance(raw.get("version"), str) or not raw["version"]:
        raise RulesError(f"{path.name}: version must be a non-empty string")
    for key in _THRESHOLDS:
        value = raw.get(key)
        if value is None:
            raise RulesError(f"{path.name}: {key} is missing")
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise RulesError(f"{path.name}: {key} must be a positive integer, not {value!r}")
    return DropoutRules(**raw)


@cache
def default_rules() -> DropoutRules:
    return load_rules()
