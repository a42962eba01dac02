"""The schools area's facts as frames, read in a few queries whatever the county's size: schools,
enrolment by school, stage, grade and class, teachers, conditions, honours and travel times. No ORM
objects per row; the engines (balance, staffing, the itinerant planner) take these frames."""

from __future__ import annotations

import polars as pl

from notoneless.registry.imports import db
from notoneless.registry.models import Division, Enrollment, School, Teacher, Term
from notoneless.schools.models import Conditions, Honour, TravelTime

__all__ = [
    "COUNTED_STATUSES",
    "autumn_term",
    "class_rows",
    "conditions",
    "enrolment",
    "honours",
    "schools",
    "teachers",
    "travel_table",
]

# who counts as a student of the school in the statistics: in class, or taught at home by it
COUNTED_STATUSES = ("enrolled", "home_taught")


def _t(model: type) -> str:
    return db.quote(db.table(model))


def autumn_term(year: int) -> Term | None:
    """The autumn term that opens school year ``year``: the statistics count students then."""
    return Term.objects.filter(school_year=year, season=Term.Season.AUTUMN).first()


SCHOOL_SCHEMA = {
    "school_id": pl.Int64,
    "code": pl.String,
    "name": pl.String,
    "school_type": pl.String,
    "locality": pl.String,
    "township_id": pl.Int64,
    "township": pl.String,
    "township_code": pl.String,
    "central_school_id": pl.Int64,
    "longitude": pl.Float64,
    "latitude": pl.Float64,
}


def schools() -> pl.DataFrame:
    return db.read_frame(
        f"SELECT s.id, s.code, s.name, s.school_type, s.locality, s.township_id, d.name, d.code,"
        f" s.central_school_id, s.longitude, s.latitude FROM {_t(School)} s"
        f" JOIN {_t(Division)} d ON d.id = s.township_id ORDER BY s.code",
        schema=SCHOOL_SCHEMA,
    )


CLASS_SCHEMA = {
    "school_id": pl.Int64,
    "stage": pl.String,
    "grade": pl.Int64,
    "class_name": pl.String,
    "students": pl.Int64,
}


def class_rows(term: Term | None) -> pl.DataFrame:
    """Students counted per school, stage, grade and class in ``term``."""
    if term is None:
        return pl.DataFrame(schema=CLASS_SCHEMA)
    marks = ", ".join(["%s"] * len(COUNTED_STATUSES))
    return db.read_frame(
        f"SELECT school_id, stage, grade, class_name, COUNT(*) FROM {_t(Enrollment)}"
        f" WHERE term_id = %s AND status IN ({marks})"
        " GROUP BY school_id, stage, grade, class_name ORDER BY school_id, stage, grade, class_name",
        [term.pk, *COUNTED_STATUSES],
        schema=CLASS_SCHEMA,
    )


def enrolment(term: Term | None) -> pl.DataFrame:
    """Students counted per school and stage in ``term``."""
    return (
        class_rows(term)
        .group_by("school_id", "stage")
        .agg(pl.col("students").sum())
        .sort("school_id", "stage")
    )


TEACHER_SCHEMA = {
    "teacher_id": pl.Int64,
    "school_id": pl.Int64,
    "name": pl.String,
    "subjects": pl.String,
    "qualification": pl.String,
    "post": pl.String,
}


def teachers() -> pl.DataFrame:
    """The teachers' register, subjects as a list."""
    frame = db.read_frame(
        f"SELECT id, school_id, name, subjects, qualification, post FROM {_t(Teacher)} ORDER BY id",
        schema=TEACHER_SCHEMA,
    )
    return frame.with_columns(
        pl.col("subjects")
        .fill_null("")
        .str.split(",")
        .list.eval(pl.element().str.strip_chars())
        .list.eval(pl.element().filter(pl.element() != "")),
    )


CONDITIONS_SCHEMA = {
    "school_id": pl.Int64,
    "teaching_floor_m2": pl.Float64,
    "sports_ground_m2": pl.Float64,
    "equipment_value_yuan": pl.Float64,
    "multimedia_classrooms": pl.Float64,
    "computers": pl.Float64,
    "books": pl.Float64,
    "specialist_rooms": pl.Float64,
    "remote_classrooms": pl.Float64,
}


def conditions(year: int) -> pl.DataFrame:
    """Each school's conditions of ``year``, as measures the indicators divide (floats: these are
    ratios to compare with thresholds, not money kept in accounts)."""
    return db.read_frame(
        "SELECT school_id, CAST(teaching_floor_m2 AS DOUBLE PRECISION), CAST(sports_ground_m2 AS DOUBLE PRECISION),"
        " CAST(equipment_value_fen AS DOUBLE PRECISION) / 100, multimedia_classrooms, computers, books,"
        f" specialist_rooms, remote_classrooms FROM {_t(Conditions)} WHERE year = %s",
        [year],
        schema=CONDITIONS_SCHEMA,
    )


HONOUR_SCHEMA = {
    "teacher_id": pl.Int64,
    "kind": pl.String,
    "level": pl.String,
    "year": pl.Int64,
}


def honours() -> pl.DataFrame:
    return db.read_frame(
        f"SELECT teacher_id, kind, level, year FROM {_t(Honour)}", schema=HONOUR_SCHEMA
    )


TRAVEL_SCHEMA = {"school_a_id": pl.Int64, "school_b_id": pl.Int64, "minutes": pl.Int64}


def travel_table() -> pl.DataFrame:
    return db.read_frame(
        f"SELECT school_a_id, school_b_id, minutes FROM {_t(TravelTime)}", schema=TRAVEL_SCHEMA
    )
