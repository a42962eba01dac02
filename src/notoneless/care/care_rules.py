"""The care rules (``rules/care.toml``): a teacher's load limit, the class-teacher preference of the
suggestion and the required frequency of contact, as data, loaded and validated here."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator

from notoneless.care.models import SupportKind
from notoneless.lib.rulesfile import RulesError, load_model

__all__ = ["RULES_FILE", "CareRules", "Requirement", "RulesError", "default_rules", "load_rules"]

RULES_FILE = Path(__file__).resolve().parent / "rules" / "care.toml"


class Requirement(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(min_length=1, pattern=r"^[a-z_]+$")
    kinds: tuple[SupportKind, ...] = Field(min_length=1)
    period: Literal["month", "term"]
    count: Annotated[StrictInt, Field(gt=0)] = 1


class CareRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(min_length=1)
    load_limit: Annotated[StrictInt, Field(gt=0)] = 5
    class_teacher_preference: Annotated[StrictInt, Field(ge=0)] = 2
    requirements: tuple[Requirement, ...] = ()

    @field_validator("requirements")
    @classmethod
    def _keys_unique(cls, requirements: tuple[Requirement, ...]) -> tuple[Requirement, ...]:
        keys = [r.key for r in requirements]
        if len(set(keys)) != len(keys):
            raise ValueError("each requirement key may appear once")
        return requirements


def load_rules(path: Path = RULES_FILE) -> CareRules:
    """Read and check a rules file: positive limits, known kinds and periods, no unknown key."""
    return load_model(path, CareRules)


@cache
def default_rules() -> CareRules:
    return load_rules()
