"""The triggers that do not come from absences, as frames: a child who transferred out and is enrolled
nowhere ``transfer_grace_days`` later, and a school-age child matching found out of school and the
township verified (``confirmed``). Children studying elsewhere, deferred, exempted or in home-delivered
teaching are accounted for: they have a place whose status says where they are, or a verified finding
that is not ``confirmed``, and open no case."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from django.utils import timezone

from notoneless.matching.models import Finding
from notoneless.matching.selectors import latest_run
from notoneless.registry.imports import db
from notoneless.registry.models import Enrollment, Student, Term
from notoneless.retention.dropout_rules import DropoutRules

__all__ = ["TRIGGER_SCHEMA", "out_of_school", "transfers"]

# a place whose status says where the child is: no transfer case while one exists
PLACED = ("enrolled", "home_taught", "deferred", "exempted", "suspended")
TRIGGER_SCHEMA = {
    "person_id": pl.Int64,
    "student_id": pl.Int64,
    "school_id": pl.Int64,
    "township_id": pl.Int64,
    "finding_id": pl.Int64,
    "first_date": pl.Date,
}


def _t(model: type) -> str:
    return db.quote(db.table(model))


def transfers(term: Term, as_of: date, rules: DropoutRules) -> pl.DataFrame:
    """Students whose place in ``term`` says transferred (on ``status_changed_on``, else the term's
    first day) at least ``transfer_grace_days`` before ``as_of``, with no place anywhere in the term."""
    places = db.read_frame(
        f"SELECT e.student_id, e.school_id, e.status, e.status_changed_on, s.person_id"
        f" FROM {_t(Enrollment)} e JOIN {_t(Student)} s ON s.id = e.student_id"
        " WHERE e.term_id = %s",
        [term.pk],
        schema={
            "student_id": pl.Int64,
            "school_id": pl.Int64,
            "status": pl.String,
            "status_changed_on": pl.Date,
            "person_id": pl.Int64,
        },
    )
    placed = places.filter(pl.col("status").is_in(PLACED)).select("student_id").unique()
    left = pl.coalesce("status_changed_on", pl.lit(term.start_date))
    cutoff = as_of - timedelta(days=rules.transfer_grace_days)
    return (
        places.filter(pl.col("status") == "transferred")
        .with_columns(left.alias("first_date"))
        .filter(pl.col("first_date") <= cutoff)
        .join(placed, on="student_id", how="anti")
        .sort("first_date")
        .unique("student_id", keep="last")
        .select(
            "person_id",
            "student_id",
            "school_id",
            pl.lit(None, pl.Int64).alias("township_id"),
            pl.lit(None, pl.Int64).alias("finding_id"),
            "first_date",
        )
        .cast(TRIGGER_SCHEMA)  # type: ignore[arg-type]
        .sort("person_id")
    )


def out_of_school() -> pl.DataFrame:
    """Out-of-school findings of the latest matching run that the township confirmed. The confirmation
    itself is the trigger, whatever day the scan looks at."""
    run = latest_run()
    if run is None:
        return pl.DataFrame(schema=TRIGGER_SCHEMA)
    rows = Finding.objects.filter(
        run=run,
        kind=Finding.Kind.OUT_OF_SCHOOL,
        verification=Finding.Verification.CONFIRMED,
        person__isnull=False,
    ).values("id", "person_id", "school_id", "township_id", "verified_at")
    frame = pl.DataFrame(
        [
            {
                "person_id": r["person_id"],
                "student_id": None,
                "school_id": r["school_id"],
                "township_id": r["township_id"],
                "finding_id": r["id"],
                "first_date": timezone.localdate(r["verified_at"]) if r["verified_at"] else None,
            }
            for r in rows
        ],
        schema=TRIGGER_SCHEMA,
    )
    return frame.sort("person_id")
