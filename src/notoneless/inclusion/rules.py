"""The inclusion rules as data: the placement proposal (``rules/placement.toml``) and home-delivered
teaching's frequency, hours and pauses (``rules/home_teaching.toml``), loaded and validated here."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    field_validator,
    model_validator,
)

from notoneless.lib.rulesfile import RulesError, load_model
from notoneless.registry.choices import DisabilityType

__all__ = [
    "HOME_TEACHING_FILE",
    "PLACEMENT_FILE",
    "SETTINGS",
    "SEVERITIES",
    "HomeTeachingRules",
    "PlacementRules",
    "Proposal",
    "RulesError",
    "home_teaching_rules",
    "load_home_teaching",
    "load_placement",
    "placement_rules",
]

RULES = Path(__file__).resolve().parent / "rules"
PLACEMENT_FILE = RULES / "placement.toml"
HOME_TEACHING_FILE = RULES / "home_teaching.toml"
SETTINGS = ("regular", "special_school", "home")
SEVERITIES = ("severe", "moderate", "mild")
Positive = Annotated[StrictInt, Field(gt=0)]
Grade = Annotated[StrictInt, Field(ge=1, le=4)]


def _setting(value: str) -> str:
    if value not in SETTINGS:
        raise ValueError(f"unknown setting {value!r} (one of {', '.join(SETTINGS)})")
    return value


class PlacementRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    types: tuple[DisabilityType, ...] = Field(min_length=1)
    grades: tuple[Grade, ...] = Field(min_length=1)
    setting: str
    alternatives: tuple[str, ...] = ()
    note: str = Field(min_length=1)

    @field_validator("setting")
    @classmethod
    def _known(cls, value: str) -> str:
        return _setting(value)

    @field_validator("alternatives")
    @classmethod
    def _known_all(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_setting(v) for v in values)


class Proposal(BaseModel):
    """What the rules propose for one type and grade, and why (the rule's note)."""

    model_config = ConfigDict(frozen=True)

    setting: str
    alternatives: tuple[str, ...]
    note: str


class PlacementRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(min_length=1)
    default_setting: str
    review_after_months: Positive
    min_committee_members: Positive
    severity_grade: dict[str, Grade]
    rules: tuple[PlacementRule, ...] = ()

    @field_validator("default_setting")
    @classmethod
    def _known(cls, value: str) -> str:
        return _setting(value)

    @field_validator("severity_grade")
    @classmethod
    def _every_severity(cls, value: dict[str, int]) -> dict[str, int]:
        if set(value) != set(SEVERITIES):
            raise ValueError(f"give a grade for each of {', '.join(SEVERITIES)}")
        return value

    def propose(self, disability_type: str, grade: int) -> Proposal:
        for rule in self.rules:
            if disability_type in rule.types and grade in rule.grades:
                return Proposal(
                    setting=rule.setting, alternatives=rule.alternatives, note=rule.note
                )
        return Proposal(
            setting=self.default_setting,
            alternatives=(),
            note=f"默认安置 / the default placement ({disability_type}, grade {grade})",
        )


class PauseKind(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str = Field(min_length=1)


class HomeTeachingRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(min_length=1)
    visits_per_week: Positive
    yearly_class_hours: Positive
    teaching_weeks_per_year: Positive
    min_school_days_in_week: Annotated[StrictInt, Field(ge=1, le=7)]
    max_hours_per_session: Positive
    pauses: dict[str, PauseKind] = Field(min_length=1)

    @model_validator(mode="after")
    def _weeks(self) -> HomeTeachingRules:
        if self.teaching_weeks_per_year > 52:
            raise ValueError("teaching_weeks_per_year: a year has 52 weeks")
        return self

    @property
    def weekly_hours(self) -> Decimal:
        return Decimal(self.yearly_class_hours) / Decimal(self.teaching_weeks_per_year)


def load_placement(path: Path = PLACEMENT_FILE) -> PlacementRules:
    return load_model(path, PlacementRules)


def load_home_teaching(path: Path = HOME_TEACHING_FILE) -> HomeTeachingRules:
    return load_model(path, HomeTeachingRules)


@cache
def placement_rules() -> PlacementRules:
    return load_placement()


@cache
def home_teaching_rules() -> HomeTeachingRules:
    return load_home_teaching()
