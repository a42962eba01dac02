"""Balance indicators of compulsory schools (县域义务教育优质均衡), from the rules in
``rules/balance.toml``: each school's seven resource indicators and whether it passes, and for the
county the coefficient of variation of each indicator across schools, weighted by enrolment, with the
schools that pull it up.

A school teaching two stages is split into one part per stage: its conditions and teachers are shared
out by enrolment weighted as the rules say. Teaching points below the rules' size are shown but not
assessed, as are schools without conditions for the year (their facilities cannot be measured).

The work is columnar: one frame of school parts, indicator columns computed with Polars."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from notoneless.schools import frames
from notoneless.schools.rules_data import BalanceRules, Indicator, balance_rules

__all__ = ["BalanceReport", "CvRow", "Puller", "build", "explain"]

TEACHER_MEASURES = ("qualified_teachers", "backbone_teachers", "pe_art_teachers")
CONDITION_MEASURES = tuple(c for c in frames.CONDITIONS_SCHEMA if c != "school_id")
STATUS_MET, STATUS_NEAR, STATUS_SHORT, STATUS_NO_DATA = "met", "near", "short", "no_data"


@dataclass(frozen=True)
class Puller:
    """A school whose distance from the county mean adds most to an indicator's spread."""

    school_id: int
    code: str
    name: str
    value: float
    share: float  # of the weighted variance
    cv_without: float | None  # the county's CV if this school were left out
    above_mean: bool


@dataclass(frozen=True)
class CvRow:
    stage: str
    key: str
    label: str
    unit: str
    schools: int
    students: int
    mean: float | None
    cv: float | None
    limit: float
    pullers: tuple[Puller, ...] = ()

    @property
    def within(self) -> bool | None:
        return None if self.cv is None else self.cv <= self.limit

    def as_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "indicator": self.key,
            "label": self.label,
            "schools": self.schools,
            "students": self.students,
            "mean": _round(self.mean),
            "cv": _round(self.cv, 4),
            "limit": self.limit,
            "within_limit": self.within,
            "pulled_up_by": [
                {
                    "code": p.code,
                    "name": p.name,
                    "value": _round(p.value),
                    "share_of_variance": _round(p.share, 4),
                    "cv_without": _round(p.cv_without, 4),
                    "above_mean": p.above_mean,
                }
                for p in self.pullers
            ],
        }


@dataclass
class BalanceReport:
    year: int
    rules: BalanceRules
    parts: pl.DataFrame  # one row per school and stage
    cv: list[CvRow] = field(default_factory=list)

    @property
    def assessed(self) -> pl.DataFrame:
        return self.parts.filter(pl.col("assessed"))

    def stage_summary(self) -> list[dict[str, Any]]:
        """Per stage: schools assessed, passing, and whether every CV is within its limit."""
        out = []
        for stage in self.rules.scope.stages:
            rows = self.assessed.filter(pl.col("stage") == stage)
            cvs = [c for c in self.cv if c.stage == stage]
            out.append(
                {
                    "stage": stage,
                    "schools": rows.height,
                    "passing": int(rows["passes"].sum()) if rows.height else 0,
                    "cv_within_limits": bool(cvs) and all(c.within for c in cvs),
                }
            )
        return out

    def as_dict(self) -> dict[str, Any]:
        keys = [i.key for i in self.rules.indicators]
        columns = [
            "code",
            "name",
            "township",
            "stage",
            "students",
            "assessed",
            "not_assessed_reason",
            "met",
            "passes",
            *keys,
        ]
        return {
            "year": self.year,
            "rules": self.rules.version,
            "stages": self.stage_summary(),
            "cv": [c.as_dict() for c in self.cv],
            "schools": [
                {k: _round(v) if isinstance(v, float) else v for k, v in row.items()}
                for row in self.parts.select(columns).to_dicts()
            ],
        }


def _round(value: float | None, places: int = 2) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(value, places)


# --- the frame of school parts ------------------------------------------------------------------


def _teacher_measures(
    rules: BalanceRules, year: int, stage_of_school: pl.DataFrame
) -> pl.DataFrame:
    """Per school: counted teachers, those above the qualification each stage requires, PE and art
    teachers, backbone teachers of county level or higher holding a title valid in ``year``."""
    t = rules.teachers
    teachers = frames.teachers().filter(pl.col("post").is_in(t.counted_posts))
    valid = frames.honours().filter(
        (pl.col("kind") == "backbone")
        & pl.col("level").is_in(t.backbone_levels)
        & (pl.col("year") <= year)
        & (pl.col("year") > year - t.backbone_valid_years)
    )
    backbone = valid.select("teacher_id").unique().with_columns(pl.lit(True).alias("backbone"))
    teachers = teachers.join(backbone, on="teacher_id", how="left").with_columns(
        pl.col("backbone").fill_null(False),
        pl.col("subjects")
        .list.eval(pl.element().is_in(t.pe_art_subjects))
        .list.any()
        .alias("pe_art"),
    )
    by_stage = []
    for stage, accepted in t.above_required.items():
        counted = teachers.group_by("school_id").agg(
            pl.col("qualification").is_in(accepted).sum().alias("qualified_teachers"),
            pl.col("backbone").sum().alias("backbone_teachers"),
            pl.col("pe_art").sum().alias("pe_art_teachers"),
        )
        by_stage.append(counted.with_columns(pl.lit(stage).alias("stage")))
    counted = pl.concat(by_stage).with_columns(pl.col(TEACHER_MEASURES).cast(pl.Float64))
    # a school's teachers counted against the stage of each of its parts
    return stage_of_school.join(counted, on=["school_id", "stage"], how="left").select(
        "school_id", "stage", *TEACHER_MEASURES
    )


def _parts(rules: BalanceRules, year: int) -> pl.DataFrame:
    """One row per school and stage taught in ``year``, with the stage's share of the school and the
    measures shared out by it."""
    term = frames.autumn_term(year)
    enrolled = frames.enrolment(term).filter(pl.col("students") > 0)
    weights = pl.col("stage").replace_strict(
        rules.split_weights, default=1.0, return_dtype=pl.Float64
    )
    enrolled = enrolled.with_columns(
        (weights * pl.col("students")).alias("_w"),
    ).with_columns((pl.col("_w") / pl.col("_w").sum().over("school_id")).alias("share"))
    schools = frames.schools()
    parts = enrolled.join(schools, on="school_id", how="inner")
    stages = parts.select("school_id", "stage")
    teachers = _teacher_measures(rules, year, stages)
    conditions = frames.conditions(year).with_columns(pl.lit(True).alias("has_conditions"))
    parts = (
        parts.join(teachers, on=["school_id", "stage"], how="left")
        .join(conditions, on="school_id", how="left")
        .with_columns(pl.col("has_conditions").fill_null(False))
        .with_columns(
            [pl.col(m).fill_null(0.0) * pl.col("share") for m in TEACHER_MEASURES]
            + [pl.col(m) * pl.col("share") for m in CONDITION_MEASURES]
        )
    )
    return _scoped(rules, parts).drop("_w")


def _scoped(rules: BalanceRules, parts: pl.DataFrame) -> pl.DataFrame:
    scope = rules.scope
    in_scope = pl.col("school_type").is_in(scope.school_types) & pl.col("stage").is_in(scope.stages)
    small_point = (pl.col("school_type") == "teaching_point") & (
        pl.col("students") < scope.teaching_points_below
    )
    reason = (
        pl.when(~in_scope)
        .then(pl.lit("out_of_scope"))
        .when(small_point)
        .then(pl.lit("small_teaching_point"))
        .when(~pl.col("has_conditions"))
        .then(pl.lit("no_conditions"))
        .otherwise(pl.lit(""))
    )
    parts = parts.with_columns(reason.alias("not_assessed_reason"))
    return parts.with_columns((pl.col("not_assessed_reason") == "").alias("assessed")).filter(
        pl.col("stage").is_in(scope.stages)
    )


def _with_indicators(rules: BalanceRules, parts: pl.DataFrame) -> pl.DataFrame:
    """Each indicator's value, its threshold for the stage, the value's share of the threshold, and
    per part: how many are met and whether the part passes."""
    exprs = []
    for ind in rules.indicators:
        value = pl.col(ind.measure) / pl.col("students") * ind.per
        threshold = pl.col("stage").replace_strict(
            ind.threshold, default=None, return_dtype=pl.Float64
        )
        exprs += [
            value.alias(ind.key),
            threshold.alias(f"{ind.key}__threshold"),
            (value / threshold).alias(f"{ind.key}__ratio"),
        ]
    parts = parts.with_columns(exprs)
    ratios = [pl.col(f"{i.key}__ratio") for i in rules.indicators]
    met = pl.sum_horizontal([(r >= 1).fill_null(False).cast(pl.Int64) for r in ratios])
    weakest = pl.min_horizontal([r.fill_null(0.0) for r in ratios])
    passes = (met >= rules.min_met) & (weakest >= rules.rest_at_least) & pl.col("assessed")
    return parts.with_columns(met.alias("met"), passes.alias("passes"))


# --- coefficients of variation ------------------------------------------------------------------


def _weighted_cv(values: list[float], weights: list[float]) -> tuple[float | None, float | None]:
    total = sum(weights)
    if total <= 0:
        return None, None
    mean = sum(v * w for v, w in zip(values, weights, strict=True)) / total
    if mean <= 0:
        return mean, None
    variance = sum(w * (v - mean) ** 2 for v, w in zip(values, weights, strict=True)) / total
    return mean, math.sqrt(variance) / mean


def _pullers(frame: pl.DataFrame, key: str, mean: float, top: int = 5) -> tuple[Puller, ...]:
    """The schools whose weighted squared distance from the mean is the largest share of the
    variance, until half of it is named (at most ``top``), with the CV the county would have without
    each of them."""
    weights = frame["students"].cast(pl.Float64).to_list()
    values = frame[key].to_list()
    spread = [w * (v - mean) ** 2 for v, w in zip(values, weights, strict=True)]
    total = sum(spread)
    if total <= 0:
        return ()
    order = sorted(range(len(values)), key=lambda i: -spread[i])
    out: list[Puller] = []
    named = 0.0
    for i in order[:top]:
        rest_v = values[:i] + values[i + 1 :]
        rest_w = weights[:i] + weights[i + 1 :]
        _mean, without = _weighted_cv(rest_v, rest_w)
        row = frame.row(i, named=True)
        out.append(
            Puller(
                school_id=row["school_id"],
                code=row["code"],
                name=row["name"],
                value=values[i],
                share=spread[i] / total,
                cv_without=without,
                above_mean=values[i] > mean,
            )
        )
        named += spread[i] / total
        if named >= 0.5:
            break
    return tuple(out)


def _cv_rows(rules: BalanceRules, parts: pl.DataFrame) -> list[CvRow]:
    rows = []
    for stage in rules.scope.stages:
        assessed = parts.filter(pl.col("assessed") & (pl.col("stage") == stage))
        for ind in rules.indicators:
            frame = assessed.filter(pl.col(ind.key).is_not_null())
            values = frame[ind.key].to_list()
            weights = frame["students"].cast(pl.Float64).to_list()
            mean, cv = _weighted_cv(values, weights)
            rows.append(
                CvRow(
                    stage=stage,
                    key=ind.key,
                    label=ind.label,
                    unit=ind.unit,
                    schools=frame.height,
                    students=int(sum(weights)),
                    mean=mean,
                    cv=cv,
                    limit=rules.cv_limit[stage],
                    pullers=_pullers(frame, ind.key, mean) if mean else (),
                )
            )
    return rows


def build(year: int, rules: BalanceRules | None = None) -> BalanceReport:
    """The county's balance indicators for ``year`` (students of that year's autumn term)."""
    rules = rules or balance_rules()
    parts = _with_indicators(rules, _parts(rules, year)).sort("township_code", "code", "stage")
    return BalanceReport(year=year, rules=rules, parts=parts, cv=_cv_rows(rules, parts))


# --- one school explained ------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorLine:
    indicator: Indicator
    stage: str
    numerator: float | None
    students: int
    value: float | None
    threshold: float
    ratio: float | None
    status: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator.key,
            "label": self.indicator.label,
            "unit": self.indicator.unit,
            "numerator": _round(self.numerator),
            "students": self.students,
            "value": _round(self.value),
            "threshold": self.threshold,
            "ratio": _round(self.ratio, 3),
            "status": self.status,
        }


def _status(ratio: float | None, rest_at_least: float) -> str:
    if ratio is None:
        return STATUS_NO_DATA
    if ratio >= 1:
        return STATUS_MET
    return STATUS_NEAR if ratio >= rest_at_least else STATUS_SHORT


def explain(
    report: BalanceReport, school_id: int
) -> list[tuple[dict[str, Any], list[IndicatorLine]]]:
    """Each stage part of one school: its row, and per indicator the count divided, the enrolment it is
    divided by, the value against the threshold and the verdict."""
    out = []
    rules = report.rules
    for row in report.parts.filter(pl.col("school_id") == school_id).to_dicts():
        lines = []
        for ind in rules.indicators:
            ratio = row[f"{ind.key}__ratio"]
            lines.append(
                IndicatorLine(
                    indicator=ind,
                    stage=row["stage"],
                    numerator=row[ind.measure],
                    students=row["students"],
                    value=row[ind.key],
                    threshold=row[f"{ind.key}__threshold"],
                    ratio=ratio,
                    status=_status(ratio, rules.rest_at_least),
                )
            )
        out.append((row, lines))
    return out
