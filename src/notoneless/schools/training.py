"""Teachers' training, honours and recruitment as figures: person-times and hours per year, rounds of
the district's cycle per teacher against the target (``rules/training.toml``), honours per year by
kind and level, teachers recruited per year and channel. Columnar; scoped to a set of schools."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from notoneless.registry.imports import db
from notoneless.registry.models import Teacher
from notoneless.schools.models import Honour, Recruitment, TrainingRecord
from notoneless.schools.rules_data import TrainingRules, training_rules

__all__ = ["TrainingReport", "build", "rounds_per_teacher"]


def _t(model: type) -> str:
    return db.quote(db.table(model))


def _in(column: str, ids: list[int] | None) -> tuple[str, list[Any]]:
    """A condition restricting ``column`` to ``ids`` (None: no restriction)."""
    if ids is None:
        return "1 = 1", []
    if not ids:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def _records(school_ids: list[int] | None) -> pl.DataFrame:
    where, params = _in("t.school_id", school_ids)
    return db.read_frame(
        f"SELECT r.teacher_id, t.school_id, r.year, r.round, r.hours, r.level"
        f" FROM {_t(TrainingRecord)} r JOIN {_t(Teacher)} t ON t.id = r.teacher_id WHERE {where}",
        params,
        schema={
            "teacher_id": pl.Int64,
            "school_id": pl.Int64,
            "year": pl.Int64,
            "round": pl.Int64,
            "hours": pl.Int64,
            "level": pl.String,
        },
    )


def _teachers(school_ids: list[int] | None) -> pl.DataFrame:
    where, params = _in("school_id", school_ids)
    return db.read_frame(
        f"SELECT id, school_id, name FROM {_t(Teacher)} WHERE {where}",
        params,
        schema={"teacher_id": pl.Int64, "school_id": pl.Int64, "name": pl.String},
    )


def rounds_per_teacher(
    school_ids: list[int] | None, rules: TrainingRules | None = None
) -> pl.DataFrame:
    """Each teacher (teacher_id, school_id, name) with the rounds completed (a round counts with at
    least the rules' hours in it) and whether the target is reached."""
    rules = rules or training_rules()
    per_round = (
        _records(school_ids)
        .group_by("teacher_id", "round")
        .agg(pl.col("hours").sum())
        .filter(pl.col("hours") >= rules.hours_per_round)
        .group_by("teacher_id")
        .agg(pl.len().alias("rounds"), pl.col("hours").sum().alias("hours"))
    )
    return (
        _teachers(school_ids)
        .join(per_round, on="teacher_id", how="left")
        .with_columns(pl.col("rounds").fill_null(0).cast(pl.Int64), pl.col("hours").fill_null(0))
        .with_columns((pl.col("rounds") >= rules.target_rounds).alias("at_target"))
    )


@dataclass
class TrainingReport:
    rules: TrainingRules
    teachers: int
    per_year: list[dict[str, Any]]  # year, person_times, hours, teachers
    rounds: list[dict[str, Any]]  # rounds, teachers
    mean_rounds: float
    at_target: int
    honours: list[dict[str, Any]]  # year, kind, level, count
    honour_totals: dict[str, int]
    recruitment: list[dict[str, Any]]  # year, channel, hired

    @property
    def person_times(self) -> int:
        return sum(r["person_times"] for r in self.per_year)

    @property
    def recruited(self) -> int:
        return sum(r["hired"] for r in self.recruitment)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rules": self.rules.version,
            "target_rounds": self.rules.target_rounds,
            "teachers": self.teachers,
            "person_times": self.person_times,
            "mean_rounds": round(self.mean_rounds, 2),
            "at_target": self.at_target,
            "per_year": self.per_year,
            "rounds": self.rounds,
            "honours": self.honours,
            "honour_totals": self.honour_totals,
            "recruited": self.recruited,
            "recruitment": self.recruitment,
        }


def _honours(school_ids: list[int] | None) -> pl.DataFrame:
    where, params = _in("t.school_id", school_ids)
    return db.read_frame(
        f"SELECT h.year, h.kind, h.level FROM {_t(Honour)} h"
        f" JOIN {_t(Teacher)} t ON t.id = h.teacher_id WHERE {where}",
        params,
        schema={"year": pl.Int64, "kind": pl.String, "level": pl.String},
    )


def _recruitment(school_ids: list[int] | None) -> pl.DataFrame:
    where, params = _in("school_id", school_ids)
    return db.read_frame(
        f"SELECT year, channel, hired FROM {_t(Recruitment)} WHERE {where}",
        params,
        schema={"year": pl.Int64, "channel": pl.String, "hired": pl.Int64},
    )


def _mean(values: pl.Series) -> float:
    mean = values.cast(pl.Float64).mean()
    return mean if isinstance(mean, float) else 0.0


def build(school_ids: list[int] | None, rules: TrainingRules | None = None) -> TrainingReport:
    """The figures for the teachers of ``school_ids`` (None: the whole county; county-wide
    recruitment rows without a school count only then)."""
    rules = rules or training_rules()
    records = _records(school_ids)
    per_year = (
        records.group_by("year")
        .agg(
            pl.len().alias("person_times"),
            pl.col("hours").sum(),
            pl.col("teacher_id").n_unique().alias("teachers"),
        )
        .sort("year")
    )
    rounds = rounds_per_teacher(school_ids, rules)
    distribution = rounds.group_by("rounds").agg(pl.len().alias("teachers")).sort("rounds")
    honours = _honours(school_ids)
    by_year = honours.group_by("year", "kind", "level").agg(pl.len().alias("count"))
    recruited = _recruitment(school_ids).group_by("year", "channel").agg(pl.col("hired").sum())
    return TrainingReport(
        rules=rules,
        teachers=rounds.height,
        per_year=per_year.to_dicts(),
        rounds=distribution.to_dicts(),
        mean_rounds=_mean(rounds["rounds"]),
        at_target=int(rounds["at_target"].sum()) if rounds.height else 0,
        honours=by_year.sort("year", "kind", "level").to_dicts(),
        honour_totals={
            k: int(n) for k, n in honours.group_by("kind").agg(pl.len()).sort("kind").iter_rows()
        },
        recruitment=recruited.sort("year", "channel").to_dicts(),
    )
