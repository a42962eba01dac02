"""Benchmark: `aid compute` for a whole county, against a per-student evaluation of the same pack.

    NOTONELESS_DATA_DIR=DIR uv run python benchmarks/aid_compute.py [--term 2020-autumn] [--naive-rows N]

DIR holds a loaded county (e.g. the one `notoneless demo --scale yuyang --no-serve` sets up; use
NOTONELESS_DATABASE_URL for PostgreSQL). Prints, for the term:
- the first computation (facts read, evaluated, entitlements written), timed inside one transaction that
  is rolled back, so the database is left as it was;
- a re-run that changes nothing (read, evaluate, compare);
- the `aid compute` command end to end in a fresh process, with its peak memory (it writes: the first time
  it creates the term's entitlements, later runs are idempotent);
- the baseline: the same pack evaluated student by student in Python (what a per-record rules engine does),
  timed on --naive-rows students and extrapolated to the county, and the ratio against the columnar run.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time

import django


class Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--term", default="2020-autumn")
    parser.add_argument("--naive-rows", type=int, default=20_000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "notoneless.settings")
    django.setup()
    from django.db import connection

    print(f"database: {connection.vendor}, term {args.term}")
    first, students, rows = time_first_run(args.term)
    print(f"first computation:   {first:6.2f} s  ({students:,} students, {rows:,} entitlements)")
    rerun = time_rerun(args.term)
    print(f"idempotent re-run:   {rerun:6.2f} s")
    wall, peak = command(args.term)
    print(f"`aid compute` (new process, incl. start-up): {wall:6.2f} s, peak RSS {peak:,.0f} MB")
    naive = time_naive(args.term, args.naive_rows, students)
    print(
        f"baseline, per student in Python: {naive:6.2f} s for the county (extrapolated from "
        f"{min(args.naive_rows, students):,} students, evaluation only)"
    )
    print(f"ratio baseline / columnar evaluation+write: {naive / first:5.1f}x")
    orm = time_orm(args.term, min(args.naive_rows, 2_000), students)
    print(
        f"baseline, ORM per student (read its records, evaluate, create each entitlement): {orm:6.1f} s "
        f"for the county (extrapolated from {min(args.naive_rows, 2_000, students):,} students)"
    )
    print(f"ratio ORM baseline / columnar: {orm / first:5.1f}x")


def time_first_run(term: str) -> tuple[float, int, int]:
    from django.db import transaction

    from notoneless.aid.compute import compute_term
    from notoneless.aid.models import AidTerm, Entitlement

    result: dict[str, float | int] = {}
    try:
        with transaction.atomic():
            aid_term = AidTerm.objects.filter(term__code=term).first()
            if aid_term:
                Entitlement.objects.filter(aid_term=aid_term).delete()
                aid_term.runs.all().delete()
            start = time.perf_counter()
            outcome = compute_term(term_code=term, acting_user=None)
            result = {
                "s": time.perf_counter() - start,
                "n": outcome.students,
                "rows": outcome.added,
            }
            raise Rollback
    except Rollback:
        pass
    return float(result["s"]), int(result["n"]), int(result["rows"])


def time_rerun(term: str) -> float:
    from django.db import transaction

    from notoneless.aid.compute import compute_term

    elapsed = 0.0
    try:
        with transaction.atomic():
            compute_term(term_code=term, acting_user=None)  # make sure the term exists
            start = time.perf_counter()
            compute_term(term_code=term, acting_user=None)
            elapsed = time.perf_counter() - start
            raise Rollback
    except Rollback:
        pass
    return elapsed


def command(term: str) -> tuple[float, float]:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "notoneless", "aid", "compute", "--term", term],
        check=True,
        capture_output=True,
    )
    wall = time.perf_counter() - start
    return wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def time_naive(term: str, rows: int, students: int) -> float:
    from notoneless.aid import bulk, conditions
    from notoneless.aid.selectors import get_term, pack_for

    t = get_term(term)
    pack = pack_for(term)
    facts = bulk.read_facts(t.pk, t.school_year, t.season, pack).head(rows)
    programs = [p for p in pack.programs_in(term) if p.when is not None]
    start = time.perf_counter()
    hits = 0
    for row in facts.iter_rows(named=True):
        for program in programs:
            if row["stage"] in program.spec.stages and conditions.test(
                program.when, row, pack.named.nodes
            ):
                hits += 1
    per_row = (time.perf_counter() - start) / max(facts.height, 1)
    return per_row * students


def time_orm(term: str, rows: int, students: int) -> float:
    """The way a Django developer would first write it: one student at a time through the ORM."""
    from django.db import transaction
    from django.utils import timezone

    from notoneless.aid import conditions
    from notoneless.aid.compute import open_aid_term
    from notoneless.aid.models import Entitlement
    from notoneless.aid.selectors import get_term, pack_for
    from notoneless.registry.models import AssistanceRecord, Enrollment

    t = get_term(term)
    pack = pack_for(term)
    programs = [p for p in pack.programs_in(term) if p.when is not None]
    elapsed = 0.0
    try:
        with transaction.atomic():
            aid_term = open_aid_term(t, None)
            Entitlement.objects.filter(aid_term=aid_term).delete()
            start = time.perf_counter()
            places = Enrollment.objects.filter(
                term=t, status__in=["enrolled", "home_taught"]
            ).select_related("student__person__household", "school")[:rows]
            for e in places:
                person, household = e.student.person, e.student.person.household
                cats = set(
                    AssistanceRecord.objects.filter(person=person).values_list(
                        "category", flat=True
                    )
                )
                row = {
                    "stage": e.stage,
                    "grade": e.grade,
                    "boarding": e.boarding,
                    "major": e.major,
                    "major_category": e.major_category,
                    "hukou_type": person.hukou_type,
                    "orphan": person.orphan or "orphan" in cats,
                    "disabled": person.disabled,
                    "in_distress": person.in_distress,
                    "poverty_status": household.poverty_status if household else "none",
                    "poverty_exit_year": household.exit_year if household else None,
                    "dibao": "rural"
                    if "dibao_rural" in cats
                    else "urban"
                    if "dibao_urban" in cats
                    else (household.dibao if household else "none"),
                    "tekun": "tekun" in cats or bool(household and household.tekun),
                    "hardship_grade": e.student.hardship_grade,
                    "tuition_fen": e.school.tuition_per_term_fen,
                }
                for program in programs:
                    if e.stage in program.spec.stages and conditions.test(
                        program.when, row, pack.named.nodes
                    ):
                        now = timezone.now()
                        Entitlement.objects.create(
                            aid_term=aid_term,
                            term=t,
                            student=e.student,
                            program=program.code,
                            school=e.school,
                            stage=e.stage,
                            grade=e.grade,
                            amount_fen=1,
                            payee=program.spec.payee,
                            created_at=now,
                            updated_at=now,
                        )
            elapsed = time.perf_counter() - start
            raise Rollback
    except Rollback:
        pass
    return elapsed / max(rows, 1) * students


if __name__ == "__main__":
    main()
