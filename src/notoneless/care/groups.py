"""The special groups of a term's children, derived from the registers and corrected by the schools,
as one columnar read (a Polars frame, one query for the enrolments and one for the corrections).

What the registers say:

- registered-poor: the household's poverty status is registered or exited (still in the transition
  years), or the child is linked to a member of the poverty register (``PovertyMember``);
- single-parent, orphan, left-behind: the person's flags (from the student register and, for orphans,
  the civil-affairs list);
- disabled: the person's flag or a linked disability certificate (``DisabilityRecord``).

A school's correction (``GroupOverride``) wins over the registers, either way. Children counted are
those enrolled at a school in the term in any status but transferred out or graduated.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import polars as pl
from django.db.models import Exists, OuterRef, QuerySet

from notoneless.care.models import Group, GroupOverride
from notoneless.lib.queryframes import frame_of
from notoneless.registry import choices
from notoneless.registry.models import (
    DisabilityRecord,
    Enrollment,
    PovertyMember,
    School,
    Term,
)

__all__ = ["GROUPS", "LEFT_SCHOOL", "enrolments", "special_children"]

GROUPS: tuple[str, ...] = tuple(Group.values)
LEFT_SCHOOL = (choices.EnrollmentStatus.TRANSFERRED, choices.EnrollmentStatus.GRADUATED)
POOR = (choices.PovertyStatus.REGISTERED, choices.PovertyStatus.EXITED)

_SCHEMA = {
    "person_id": pl.Int64,
    "student_id": pl.Int64,
    "enrolment_id": pl.Int64,
    "name": pl.Utf8,
    "school_id": pl.Int64,
    "stage": pl.Utf8,
    "grade": pl.Int64,
    "class_name": pl.Utf8,
    "poverty_status": pl.Utf8,
    "poor_member": pl.Boolean,
    "single_parent": pl.Boolean,
    "orphan": pl.Boolean,
    "left_behind": pl.Boolean,
    "disabled_flag": pl.Boolean,
    "disability_record": pl.Boolean,
}


def enrolments(
    term: Term | None,
    schools: QuerySet[School] | Iterable[int],
    person_ids: Iterable[int] | None = None,
) -> QuerySet[Enrollment]:
    """The term's enrolments that count: at one of ``schools``, not transferred out or graduated."""
    wanted: Any = schools.values("pk") if isinstance(schools, QuerySet) else schools
    found = Enrollment.objects.filter(term=term, school__in=wanted).exclude(status__in=LEFT_SCHOOL)
    if person_ids is not None:
        found = found.filter(student__person_id__in=list(person_ids))
    return found


def special_children(
    term: Term | None,
    schools: QuerySet[School] | Iterable[int],
    person_ids: Iterable[int] | None = None,
) -> pl.DataFrame:
    """One row per child of ``schools`` in ``term`` who is in at least one group: ``person_id``,
    ``student_id``, ``name``, ``school_id``, ``stage``, ``grade``, ``class_name``, ``groups`` (the
    groups in force, a list), ``derived`` (what the registers say) and one boolean column per group."""
    rows = enrolments(term, schools, person_ids)
    person = OuterRef("student__person_id")
    values = (
        rows.annotate(
            poor_member=Exists(PovertyMember.objects.filter(person_id=person)),
            disability_record=Exists(DisabilityRecord.objects.filter(person_id=person)),
        )
        .order_by("pk")
        .values_list(
            "student__person_id",
            "student_id",
            "pk",
            "student__person__name",
            "school_id",
            "stage",
            "grade",
            "class_name",
            "student__person__household__poverty_status",
            "poor_member",
            "student__person__single_parent",
            "student__person__orphan",
            "student__person__left_behind",
            "student__person__disabled",
            "disability_record",
        )
    )
    frame = frame_of(values, _SCHEMA)
    # a child enrolled twice in the term (two schools, both still counted) counts at the later one
    frame = frame.unique("person_id", keep="last", maintain_order=True)
    frame = frame.with_columns(
        (
            pl.col("poverty_status").is_in([str(s) for s in POOR]).fill_null(False)
            | pl.col("poor_member")
        ).alias("d_registered_poor"),
        pl.col("single_parent").alias("d_single_parent"),
        pl.col("orphan").alias("d_orphan"),
        (pl.col("disabled_flag") | pl.col("disability_record")).alias("d_disabled"),
        pl.col("left_behind").alias("d_left_behind"),
    ).select(
        "person_id",
        "student_id",
        "name",
        "school_id",
        "stage",
        "grade",
        "class_name",
        *[f"d_{g}" for g in GROUPS],
    )
    overrides = _overrides(rows)
    for group in GROUPS:
        said = overrides.filter(pl.col("group") == group).select(
            "person_id", pl.col("include").alias(f"o_{group}")
        )
        frame = frame.join(said, on="person_id", how="left")
        frame = frame.with_columns(
            pl.coalesce(pl.col(f"o_{group}"), pl.col(f"d_{group}")).alias(group)
        ).drop(f"o_{group}")
    frame = frame.with_columns(
        _names_of([pl.col(g) for g in GROUPS]).alias("groups"),
        _names_of([pl.col(f"d_{g}") for g in GROUPS]).alias("derived"),
    )
    return frame.filter(pl.col("groups").list.len() > 0).drop([f"d_{g}" for g in GROUPS])


def _names_of(flags: list[pl.Expr]) -> pl.Expr:
    return pl.concat_list(
        [
            pl.when(flag).then(pl.lit(group)).otherwise(None)
            for flag, group in zip(flags, GROUPS, strict=True)
        ]
    ).list.drop_nulls()


def _overrides(rows: QuerySet[Enrollment]) -> pl.DataFrame:
    said = GroupOverride.objects.filter(person_id__in=rows.values("student__person_id"))
    return pl.DataFrame(
        list(said.values_list("person_id", "group", "include")),
        schema={"person_id": pl.Int64, "group": pl.Utf8, "include": pl.Boolean},
        orient="row",
    )
