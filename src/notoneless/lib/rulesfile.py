"""Rules files: TOML read and checked against a pydantic model, every problem named by file and key."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

__all__ = ["RulesError", "load_model"]

M = TypeVar("M", bound=BaseModel)


class RulesError(ValueError):
    """A rules file is malformed; the message names the file and each key at fault."""


def dotted(loc: Sequence[int | str], raw: dict[str, Any]) -> str:
    """Where a problem is, as pydantic gives it: ``steps.0.kind``."""
    return ".".join(str(p) for p in loc)


def load_model(
    path: Path,
    model: type[M],
    error: type[RulesError] = RulesError,
    locate: Callable[[Sequence[int | str], dict[str, Any]], str] = dotted,
) -> M:
    """``model`` from the TOML file at ``path``; ``error`` (a ``RulesError``) names what is wrong,
    each problem at the place ``locate`` gives (from pydantic's location and the raw data)."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path.name}: not valid TOML: {exc}") from exc
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{locate(e['loc'], raw)}: {e['msg']}" for e in exc.errors())
        raise error(f"{path.name}: {problems}") from None
