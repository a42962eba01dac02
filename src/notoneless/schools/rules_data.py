"""The schools area's rules as data (``rules/*.toml``), read and checked here: the balance indicators,
the staffing norm, itinerant teaching and training. A malformed file is refused with the file and key."""

from __future__ import annotations

import itertools
from datetime import time
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator, model_validator

from notoneless.lib.rulesfile import RulesError, load_model

__all__ = [
    "MEASURES",
    "BalanceRules",
    "Indicator",
    "ItinerantRules",
    "RulesError",
    "StaffingRules",
    "TrainingRules",
    "balance_rules",
    "itinerant_rules",
    "staffing_rules",
    "training_rules",
]

HERE = Path(__file__).resolve().parent / "rules"
Stage = Literal["primary", "junior", "senior"]
Positive = Annotated[float, Field(gt=0)]
Share = Annotated[float, Field(gt=0, le=1)]
# what an indicator may count; the engine (indicators.py) knows how to count each
MEASURES = (
    "qualified_teachers",
    "backbone_teachers",
    "pe_art_teachers",
    "teaching_floor_m2",
    "sports_ground_m2",
    "equipment_value_yuan",
    "multimedia_classrooms",
    "computers",
    "books",
    "specialist_rooms",
    "remote_classrooms",
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Indicator(_Strict):
    key: str = Field(pattern=r"^[a-z_]+$")
    label: str = Field(min_length=1)
    label_en: str = Field(min_length=1)
    unit: str
    measure: Literal[MEASURES]  # type: ignore[valid-type]
    per: Annotated[StrictInt, Field(gt=0)] = 1
    threshold: dict[Literal["primary", "junior"], Positive]


class Scope(_Strict):
    school_types: tuple[str, ...] = Field(min_length=1)
    stages: tuple[Literal["primary", "junior"], ...] = Field(min_length=1)
    teaching_points_below: Annotated[StrictInt, Field(ge=0)] = 0


class BalanceTeachers(_Strict):
    counted_posts: tuple[str, ...] = Field(min_length=1)
    above_required: dict[Literal["primary", "junior"], tuple[str, ...]]
    pe_art_subjects: tuple[str, ...] = Field(min_length=1)
    backbone_levels: tuple[Literal["county", "city", "province", "national"], ...]
    backbone_valid_years: Annotated[StrictInt, Field(gt=0)] = 3


class BalanceRules(_Strict):
    version: str = Field(min_length=1)
    source: str = ""
    min_met: Annotated[StrictInt, Field(gt=0)]
    rest_at_least: Share
    cv_limit: dict[Literal["primary", "junior"], Positive]
    scope: Scope
    split_weights: dict[Stage, Positive]
    teachers: BalanceTeachers
    indicators: tuple[Indicator, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> BalanceRules:
        keys = [i.key for i in self.indicators]
        if len(set(keys)) != len(keys):
            raise ValueError("each indicator key may appear once")
        if self.min_met > len(self.indicators):
            raise ValueError(f"min_met {self.min_met} is more than the {len(keys)} indicators")
        for indicator in self.indicators:
            missing = set(self.scope.stages) - set(indicator.threshold)
            if missing:
                raise ValueError(f"indicator {indicator.key}: no threshold for {sorted(missing)}")
        return self


class Subject(_Strict):
    name: str = Field(min_length=1)
    lessons: tuple[Annotated[StrictInt, Field(ge=0, le=7)], ...] = Field(min_length=9, max_length=9)


class StaffingRules(_Strict):
    version: str = Field(min_length=1)
    source: str = ""
    counted_posts: tuple[str, ...] = Field(min_length=1)
    itinerant_post: str = Field(min_length=1)
    students_per_teacher: dict[Stage, Positive]
    teachers_per_class_floor: Annotated[float, Field(ge=0)] = 0
    teachers_per_class_localities: tuple[Literal["urban", "town", "rural"], ...] = ()
    full_load: dict[Literal["primary", "junior"], Annotated[StrictInt, Field(gt=0)]]
    itinerant_base_lessons: Annotated[StrictInt, Field(ge=0)] = 0
    subjects: tuple[Subject, ...] = Field(min_length=1)

    def lessons(self, subject: str, grade: int) -> int:
        """Lessons a week a class of compulsory ``grade`` (1-9) needs of ``subject``."""
        for s in self.subjects:
            if s.name == subject:
                return s.lessons[grade - 1]
        return 0


class Session(_Strict):
    name: str = Field(min_length=1)
    starts: time
    periods: Annotated[StrictInt, Field(gt=0, le=6)]
    break_minutes: Annotated[StrictInt, Field(ge=0)] = 10


class Reach(_Strict):
    max_one_way_minutes: Annotated[StrictInt, Field(gt=0)]
    same_township_only: bool = True
    pair_neighbours: Annotated[StrictInt, Field(ge=0, le=20)] = 3
    served_localities: tuple[Literal["urban", "town", "rural"], ...] = ("town", "rural")


class TeacherDefaults(_Strict):
    max_lessons: Annotated[StrictInt, Field(gt=0, le=40)]
    max_trips: Annotated[StrictInt, Field(ge=0, le=7)]


class TravelEstimate(_Strict):
    road_factor: Annotated[float, Field(ge=1)]
    speed_kmh: Positive


class Solver(_Strict):
    time_limit_seconds: Annotated[StrictInt, Field(gt=0, le=3600)]
    workers: Annotated[StrictInt, Field(gt=0, le=64)] = 2


class ItinerantRules(_Strict):
    version: str = Field(min_length=1)
    subjects: tuple[str, ...] = Field(min_length=1)
    days: tuple[str, ...] = Field(min_length=1, max_length=7)
    leaves_base: time
    lesson_minutes: Annotated[StrictInt, Field(gt=0)]
    sessions: tuple[Session, ...] = Field(min_length=1, max_length=4)
    reach: Reach
    defaults: TeacherDefaults
    travel: TravelEstimate
    solver: Solver

    @field_validator("sessions")
    @classmethod
    def _in_order(cls, sessions: tuple[Session, ...]) -> tuple[Session, ...]:
        for before, after in itertools.pairwise(sessions):
            if after.starts <= before.starts:
                raise ValueError(f"session {after.name} must start after {before.name}")
        return sessions

    @model_validator(mode="after")
    def _sessions_do_not_overlap(self) -> ItinerantRules:
        for k in range(len(self.sessions) - 1):
            if self.gap_minutes(k) < 0:
                raise ValueError(f"session {self.sessions[k].name} runs into the next one")
        if self.minutes_before_first() < 0:
            raise ValueError("leaves_base must come before the first session starts")
        return self

    def _minutes(self, t: time) -> int:
        return t.hour * 60 + t.minute

    def session_end(self, k: int) -> int:
        """The minute of the day session ``k`` ends."""
        s = self.sessions[k]
        return (
            self._minutes(s.starts)
            + s.periods * self.lesson_minutes
            + (s.periods - 1) * s.break_minutes
        )

    def gap_minutes(self, k: int) -> int:
        """Minutes between the end of session ``k`` and the start of the next: a move must fit."""
        return self._minutes(self.sessions[k + 1].starts) - self.session_end(k)

    def minutes_before_first(self) -> int:
        return self._minutes(self.sessions[0].starts) - self._minutes(self.leaves_base)

    def period_start(self, k: int, index: int) -> int:
        s = self.sessions[k]
        return self._minutes(s.starts) + index * (self.lesson_minutes + s.break_minutes)

    @property
    def periods_per_day(self) -> int:
        return sum(s.periods for s in self.sessions)

    def session_of_period(self, period: int) -> int:
        """The session of the day's ``period`` (1-based)."""
        upto = 0
        for k, s in enumerate(self.sessions):
            upto += s.periods
            if period <= upto:
                return k
        raise ValueError(f"period {period} is after the last session")

    def first_period(self, k: int) -> int:
        return 1 + sum(s.periods for s in self.sessions[:k])


class TrainingRules(_Strict):
    version: str = Field(min_length=1)
    target_rounds: Annotated[StrictInt, Field(gt=0)]
    hours_per_round: Annotated[StrictInt, Field(ge=0)] = 0


def load_balance(path: Path = HERE / "balance.toml") -> BalanceRules:
    return load_model(path, BalanceRules)


def load_staffing(path: Path = HERE / "staffing.toml") -> StaffingRules:
    return load_model(path, StaffingRules)


def load_itinerant(path: Path = HERE / "itinerant.toml") -> ItinerantRules:
    return load_model(path, ItinerantRules)


def load_training(path: Path = HERE / "training.toml") -> TrainingRules:
    return load_model(path, TrainingRules)


@cache
def balance_rules() -> BalanceRules:
    return load_balance()


@cache
def staffing_rules() -> StaffingRules:
    return load_staffing()


@cache
def itinerant_rules() -> ItinerantRules:
    return load_itinerant()


@cache
def training_rules() -> TrainingRules:
    return load_training()
