"""The dropout rules (``rules/dropout.toml``): thresholds and the persuasion steps as data, loaded and
validated here."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator

from notoneless.lib.rulesfile import RulesError, load_model
from notoneless.retention.models import CaseStep

__all__ = ["RULES_FILE", "DropoutRules", "RulesError", "StepPlan", "default_rules", "load_rules"]

Count = Annotated[StrictInt, Field(gt=0)]
RULES_FILE = Path(__file__).resolve().parent / "rules" / "dropout.toml"


class StepPlan(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: CaseStep.Kind
    due_days: Annotated[StrictInt, Field(ge=0)]


class DropoutRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(min_length=1)
    consecutive_unexcused_days: Count
    unexcused_days_in_month: Count
    transfer_grace_days: Count
    suspected_to_dropout_days: Count
    follow_up_days: Count
    notice_return_days: Count
    escalate_after_days: Count
    steps: tuple[StepPlan, ...] = Field(min_length=1)

    @field_validator("steps")
    @classmethod
    def _each_kind_once(cls, steps: tuple[StepPlan, ...]) -> tuple[StepPlan, ...]:
        kinds = [s.kind for s in steps]
        if len(set(kinds)) != len(kinds):
            raise ValueError("each kind of step may appear once")
        return steps


def load_rules(path: Path = RULES_FILE) -> DropoutRules:
    """Read and check a rules file: every threshold present and a positive integer, no unknown key."""
    return load_model(path, DropoutRules)


@cache
def default_rules() -> DropoutRules:
    return load_rules()
