"""Staffing against the norm in ``rules/staffing.toml``: per school the teachers the enrolment calls for
(students per teacher by stage, at least a floor per class in village schools) against those it has,
and per school and specialist subject the lessons a week its classes need against what its own
teachers can give. The lessons left open, class by class, are what itinerant teachers may cover.

A teacher of several subjects gives each an equal share of a full load; an itinerant teacher keeps a
few lessons for the base school. Columnar throughout."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from notoneless.registry.models import Term
from notoneless.schools import frames
from notoneless.schools.rules_data import StaffingRules, staffing_rules

__all__ = ["StaffingReport", "build", "open_lessons"]

COMPULSORY = ("primary", "junior")


@dataclass
class StaffingReport:
    term: str
    rules: StaffingRules
    schools: pl.DataFrame  # per school: required and actual teachers, the gap
    subjects: pl.DataFrame  # per school and specialist subject: lessons and teachers needed and had

    def totals(self) -> dict[str, Any]:
        s = self.schools
        return {
            "schools": s.height,
            "students": int(s["students"].sum()) if s.height else 0,
            "teachers": int(s["teachers"].sum()) if s.height else 0,
            "required": _r(float(s["required"].sum())) if s.height else 0,
            "vacancies": int(s["vacancies"].sum()) if s.height else 0,
            "open_lessons": int(self.subjects["open_lessons"].sum()) if self.subjects.height else 0,
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "term": self.term,
            "rules": self.rules.version,
            "totals": self.totals(),
            "schools": [_rounded(r) for r in self.schools.to_dicts()],
            "subjects": [_rounded(r) for r in self.subjects.to_dicts()],
        }


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _rounded(row: dict[str, Any]) -> dict[str, Any]:
    return {k: _r(v) if isinstance(v, float) else v for k, v in row.items()}


def _school_load(rules: StaffingRules, school_stages: pl.DataFrame) -> pl.DataFrame:
    """A teacher's full load at each school: the primary load where the school teaches primary."""
    has_primary = school_stages.group_by("school_id").agg(
        (pl.col("stage") == "primary").any().alias("_primary")
    )
    return has_primary.select(
        "school_id",
        pl.when(pl.col("_primary"))
        .then(rules.full_load["primary"])
        .otherwise(rules.full_load["junior"])
        .alias("load"),
    )


def _classes(term: Term | None) -> pl.DataFrame:
    """Compulsory classes of the term: school, grade (1-9), class name, students."""
    rows = frames.class_rows(term).filter(pl.col("stage").is_in(COMPULSORY))
    return rows.with_columns(pl.col("class_name").fill_null(""))


def _subject_capacity(rules: StaffingRules, loads: pl.DataFrame) -> pl.DataFrame:
    """Lessons a week each school's own teachers can give each specialist subject (school_id,
    subject, capacity, specialists in full-time equivalents)."""
    names = [s.name for s in rules.subjects]
    teachers = frames.teachers().filter(pl.col("post").is_in(rules.counted_posts))
    teachers = teachers.join(loads, on="school_id", how="inner").with_columns(
        pl.col("subjects").list.len().alias("_n"),
        (pl.col("post") == rules.itinerant_post).alias("_itinerant"),
    )
    per_subject = teachers.filter(pl.col("_n") > 0).explode("subjects")
    per_subject = per_subject.filter(pl.col("subjects").is_in(names)).with_columns(
        pl.when(pl.col("_itinerant"))
        .then(pl.lit(rules.itinerant_base_lessons, dtype=pl.Float64))
        .otherwise(pl.col("load").cast(pl.Float64))
        .truediv(pl.col("_n"))
        .alias("_lessons")
    )
    return per_subject.group_by("school_id", pl.col("subjects").alias("subject")).agg(
        pl.col("_lessons").sum().alias("capacity"),
        (pl.col("_lessons") / pl.col("load")).sum().alias("specialists"),
    )


def _needs(rules: StaffingRules, classes: pl.DataFrame) -> pl.DataFrame:
    """Lessons a week each class needs of each specialist subject."""
    table = pl.DataFrame(
        [
            {"subject": s.name, "grade": g + 1, "needed": n}
            for s in rules.subjects
            for g, n in enumerate(s.lessons)
            if n
        ],
        schema={"subject": pl.String, "grade": pl.Int64, "needed": pl.Int64},
    )
    return classes.join(table, on="grade", how="inner")


def _open_by_class(needs: pl.DataFrame, capacity: pl.DataFrame) -> pl.DataFrame:
    """Own capacity covers a school's classes of a subject in order (upper grades first); what is left
    open, class by class."""
    frame = needs.join(
        capacity.select("school_id", "subject", "capacity"), on=["school_id", "subject"], how="left"
    )
    frame = frame.with_columns(pl.col("capacity").fill_null(0.0)).sort(
        "school_id",
        "subject",
        pl.col("grade"),
        "class_name",
        descending=[False, False, True, False],
    )
    before = pl.col("needed").cum_sum().over("school_id", "subject") - pl.col("needed")
    covered = (pl.col("capacity").floor() - before).clip(0, None).cast(pl.Int64)
    return frame.with_columns(
        (pl.col("needed") - pl.min_horizontal(covered, pl.col("needed"))).alias("open")
    )


def open_lessons(term: Term | None, rules: StaffingRules | None = None) -> pl.DataFrame:
    """Per class and specialist subject, the lessons a week the school's own staff leave open
    (school_id, grade, class_name, subject, open > 0)."""
    rules = rules or staffing_rules()
    classes = _classes(term)
    loads = _school_load(rules, frames.class_rows(term))
    needs = _needs(rules, classes)
    per_class = _open_by_class(needs, _subject_capacity(rules, loads))
    return per_class.filter(pl.col("open") > 0).select(
        "school_id", "grade", "class_name", "subject", "open"
    )


def _school_rows(rules: StaffingRules, term: Term | None) -> pl.DataFrame:
    enrolled = frames.enrolment(term).filter(
        pl.col("stage").is_in(list(rules.students_per_teacher))
    )
    ratio = pl.col("stage").replace_strict(rules.students_per_teacher, return_dtype=pl.Float64)
    by_ratio = enrolled.with_columns((pl.col("students") / ratio).alias("_by_ratio"))
    classes = (
        frames.class_rows(term)
        .filter(pl.col("stage").is_in(list(rules.students_per_teacher)))
        .group_by("school_id")
        .agg(pl.len().alias("classes"))
    )
    per_school = by_ratio.group_by("school_id").agg(
        pl.col("students").sum(), pl.col("_by_ratio").sum().alias("by_ratio")
    )
    schools = frames.schools()
    counted = (
        frames.teachers()
        .filter(pl.col("post").is_in(rules.counted_posts))
        .group_by("school_id")
        .agg(pl.len().alias("teachers"))
    )
    floor = (
        pl.when(pl.col("locality").is_in(rules.teachers_per_class_localities))
        .then(pl.col("classes") * rules.teachers_per_class_floor)
        .otherwise(0.0)
    )
    frame = (
        per_school.join(classes, on="school_id", how="left")
        .join(schools, on="school_id", how="inner")
        .join(counted, on="school_id", how="left")
        .with_columns(pl.col("teachers").fill_null(0), pl.col("classes").fill_null(0))
        .with_columns(pl.max_horizontal("by_ratio", floor).alias("required"))
        .with_columns(
            (pl.col("required").ceil().cast(pl.Int64) - pl.col("teachers"))
            .clip(0, None)
            .alias("vacancies")
        )
    )
    return frame.select(
        "school_id",
        "code",
        "name",
        "township",
        "township_code",
        "school_type",
        "students",
        "classes",
        "teachers",
        "by_ratio",
        "required",
        "vacancies",
    ).sort("township_code", "code")


def build(term: Term | None, rules: StaffingRules | None = None) -> StaffingReport:
    """The county's staffing in ``term``: schools against the norm, specialist subjects against the
    lessons the classes need."""
    rules = rules or staffing_rules()
    schools = _school_rows(rules, term)
    classes = _classes(term)
    loads = _school_load(rules, frames.class_rows(term))
    capacity = _subject_capacity(rules, loads)
    per_class = _open_by_class(_needs(rules, classes), capacity)
    subjects = (
        per_class.group_by("school_id", "subject")
        .agg(pl.col("needed").sum(), pl.col("open").sum().alias("open_lessons"))
        .join(capacity, on=["school_id", "subject"], how="left")
        .join(loads, on="school_id", how="left")
        .with_columns(
            pl.col("specialists").fill_null(0.0),
            pl.col("capacity").fill_null(0.0),
            (pl.col("needed") / pl.col("load")).alias("needed_fte"),
        )
        .with_columns(
            (pl.col("needed_fte") - pl.col("specialists")).clip(0, None).alias("shortfall_fte")
        )
        .join(
            schools.select("school_id", "code", "name", "township", "township_code"), on="school_id"
        )
        .select(
            "school_id",
            "code",
            "name",
            "township",
            "subject",
            "needed",
            "capacity",
            "open_lessons",
            "needed_fte",
            "specialists",
            "shortfall_fte",
            "township_code",
        )
        .sort("township_code", "code", "subject")
        .drop("township_code")
    )
    return StaffingReport(
        term=term.code if term else "", rules=rules, schools=schools, subjects=subjects
    )
