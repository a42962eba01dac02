"""Benchmark: a whole school year of attendance for a county: importing its absence files, then the
dropout scan over the year, against a per-student Python baseline on the same data.

    uv run python benchmarks/retention_scan.py [--scale yuyang] [--seed 1] [--postgres URL]

Steps (each Django step in a fresh process, so peak memory is the step's own):
1. the county's files: `notoneless generate` into `benchmarks/out/<scale>-<seed>/` if needed (the
   autumn term 2020's absences, attendance-2020-09 … 2021-01.csv), and the spring term 2021's
   absences from the same county (`demo.generator.attendance.spring_absences`) into `spring/` there;
2. a fresh database (SQLite in a temporary data folder, or the PostgreSQL database given, dropped and
   created): migrate, import divisions, schools, and the student roster for both terms (2020-autumn,
   2020-spring) as a clerk would;
3. every absence file through `notoneless import attendance FILE` (timed, end to end); then 30 schools
   get a two-day closure in November (``calendar.add_closure``), so the scan has closures to honour;
4. the year's columnar work (`--stage bulk`): places, the year's absences and closures read, school
   days of the year inside terms, `bulk.suspects` and `bulk.attendance` for every student;
5. `retention.actions.scan(as_of=2021-07-09)` (`--stage scan`), the first run (opens cases) and a re-run;
6. the baseline (`--stage naive`): the same flags and figures computed student by student in Python
   over rows read through the ORM, what a first implementation would do.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
AS_OF = date(2021, 7, 9)
YEAR_START = date(2020, 9, 1)
TERMS = ("2020-autumn", "2020-spring")


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return wall, proc.stdout


def notoneless(*args: str) -> list[str]:
    return [sys.executable, "-m", "notoneless", *args]


def stage(name: str, env: dict[str, str]) -> dict[str, Any]:
    _, out = run([sys.executable, __file__, "--stage", name], env)
    return json.loads(out.strip().splitlines()[-1])


# --- the files -----------------------------------------------------------------------------------


def ensure_files(scale: str, seed: int) -> Path:
    folder = OUT / f"{scale}-{seed}"
    if not (folder / "students.xlsx").exists():
        env = dict(os.environ, NOTONELESS_DATA_DIR=tempfile.mkdtemp())
        args = ("generate", "--scale", scale, "--seed", str(seed), "--out", str(folder))
        wall, _ = run(notoneless(*args), env)
        print(f"generated {scale} in {wall:.1f} s")
    spring = folder / "spring"
    if not any(spring.glob("attendance-*.csv")):
        # in a process of its own: a child inherits its parent's peak memory on Linux, and the
        # stages below report their own peaks
        args = [sys.executable, __file__, "--spring", scale, str(seed), str(spring)]
        wall, _ = run(args, dict(os.environ))
        print(f"spring term absences written in {wall:.1f} s")
    return folder


def write_spring(scale_name: str, seed: int, out: Path) -> None:
    from notoneless.demo.generator import attendance, county
    from notoneless.demo.generator.divisions import YUYANG
    from notoneless.demo.generator.scales import SCALES, NoiseRates
    from notoneless.demo.generator.writers import write_csv

    scale = SCALES[scale_name]
    state = county.build(YUYANG, 0, scale, scale.factor, seed, NoiseRates())
    rows, _dropouts = attendance.spring_absences(state)
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in attendance.spring_frames(state, rows).items():
        write_csv(out / f"{name}.csv", frame.drop("_pid"))


def absence_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("attendance-*.csv")) + sorted((folder / "spring").glob("*.csv"))


# --- the database --------------------------------------------------------------------------------


def fresh_env(database_url: str | None) -> dict[str, str]:
    env = dict(os.environ, NOTONELESS_DATA_DIR=tempfile.mkdtemp(prefix="nol-bench-"))
    if database_url:
        import psycopg

        env["NOTONELESS_DATABASE_URL"] = database_url
        base, name = database_url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    return env


def prepare(env: dict[str, str], folder: Path) -> None:
    run(notoneless("migrate", "-v0"), env)
    for kind in ("divisions", "schools"):
        run(notoneless("import", kind, str(folder / f"{kind}.xlsx"), "--json"), env)
    for term in TERMS:
        args = ("import", "students", str(folder / "students.xlsx"), "--term", term, "--json")
        wall, out = run(notoneless(*args), env)
        print(f"roster {term}: {json.loads(out)['rows']:,} rows in {wall:.1f} s")


def import_absences(env: dict[str, str], files: list[Path]) -> dict[str, Any]:
    total_rows, total_s, peak = 0, 0.0, 0.0
    for path in files:
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        wall, out = run(notoneless("import", "attendance", str(path), "--json"), env)
        report = json.loads(out)
        if report["outcome"] != "imported":
            sys.exit(f"{path.name}: {report['outcome']} {report['issues'][:5]}")
        peak = max(peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)
        total_rows += report["rows"]
        total_s += wall
        print(f"  {path.name}: {report['rows']:,} rows in {wall:.2f} s")
    return {"files": len(files), "rows": total_rows, "seconds": total_s, "peak_mb": peak / 1024}


# --- the stages, each in its own process ----------------------------------------------------------


def _setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "notoneless.settings")
    django.setup()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stage_closures() -> dict[str, Any]:
    from notoneless.registry.models import School
    from notoneless.retention.calendar import add_closure

    schools = list(School.objects.order_by("code")[:300:10])
    for i, school in enumerate(schools):
        first = date(2020, 11, 2 + (i % 4))  # Monday to Thursday of one November week
        add_closure(
            school=school,
            start_date=first,
            end_date=date(2020, 11, first.day + 1),
            reason="大雪停课（基准测试）",
            acting_user=None,
        )
    return {"schools": len(schools)}


def stage_bulk() -> dict[str, Any]:
    import polars as pl

    from notoneless.registry.models import Term
    from notoneless.retention import bulk, calendar
    from notoneless.retention.dropout_rules import default_rules

    started = time.perf_counter()
    term = Term.objects.get(code=TERMS[-1])
    places = bulk.read_places(term.pk)
    absences = bulk.read_absences(YEAR_START, AS_OF)
    closures = bulk.read_closures(YEAR_START, AS_OF)
    days = calendar.school_days(YEAR_START, AS_OF)
    read = time.perf_counter()
    found = bulk.suspects(places, absences, days, AS_OF, default_rules(), closures=closures)
    flagged = time.perf_counter()
    figures = bulk.attendance(places, absences, days, AS_OF, closures=closures)
    done = time.perf_counter()
    return {
        "students": places.height,
        "absences": absences.height,
        "closed_days": closures.height,
        "school_days": days.height,
        "flags": found.height,
        "flagged_students": found["student_id"].n_unique(),
        "mean_rate": round(float(figures["attendance_rate"].mean() or 0), 4),
        "unexcused_3plus": figures.filter(pl.col("longest_run") >= 3).height,
        "read_s": read - started,
        "suspects_s": flagged - read,
        "attendance_s": done - flagged,
        "total_s": done - started,
        "peak_mb": _peak_mb(),
    }


def stage_scan() -> dict[str, Any]:
    from notoneless.retention.actions import scan

    started = time.perf_counter()
    try:
        first = scan(as_of=AS_OF, acting_user=None)
    except Exception as exc:  # the scan is being rewritten beside this benchmark: report, go on
        return {"error": f"{type(exc).__name__}: {exc}"[:500], "peak_mb": _peak_mb()}
    first_s = time.perf_counter() - started
    again = time.perf_counter()
    second = scan(as_of=AS_OF, acting_user=None)
    return {
        "first_s": first_s,
        "rerun_s": time.perf_counter() - again,
        "first": first.as_dict(),
        "rerun": second.as_dict(),
        "peak_mb": _peak_mb(),
    }


def stage_naive() -> dict[str, Any]:
    """Per student in Python: the year's absences through the ORM, then each student's runs, months,
    counts and flags in a loop, as a first implementation would (closures looked up per absence)."""
    from collections import defaultdict

    from notoneless.registry.models import Enrollment, Term
    from notoneless.retention import calendar
    from notoneless.retention.dropout_rules import default_rules
    from notoneless.retention.models import Absence, SchoolClosure

    rules = default_rules()
    started = time.perf_counter()
    term = Term.objects.get(code=TERMS[-1])
    place = dict(
        Enrollment.objects.filter(term=term, status="enrolled").values_list(
            "student_id", "school_id"
        )
    )
    day_list = calendar.school_days(YEAR_START, AS_OF)["date"].to_list()
    closed: dict[int, set[date]] = defaultdict(set)
    for c in SchoolClosure.objects.all():
        d = c.start_date
        while d <= c.end_date:
            closed[c.school_id].add(d)
            d = date.fromordinal(d.toordinal() + 1)
    by_student: dict[int, list[tuple[date, str, int]]] = defaultdict(list)
    for student_id, d, status, school_id in (
        Absence.objects.filter(date__range=(YEAR_START, AS_OF))
        .order_by("student_id", "date")
        .values_list("student_id", "date", "status", "school_id")
        .iterator(chunk_size=20_000)
    ):
        by_student[student_id].append((d, status, school_id))
    read = time.perf_counter()
    flags = 0
    rates = []
    for student_id, school_id in place.items():
        shut = closed.get(school_id, set())
        own_days = [d for d in day_list if d not in shut]
        index = {d: i for i, d in enumerate(own_days)}
        rows = [(d, s) for d, s, _ in by_student.get(student_id, []) if d in index]
        run, longest, last, months = 0, 0, -2, defaultdict(int)
        for d, status in rows:
            if status != "unexcused":
                continue
            i = index[d]
            run = run + 1 if i == last + 1 else 1
            last = i
            longest = max(longest, run)
            months[d.strftime("%Y-%m")] += 1
        flags += longest >= rules.consecutive_unexcused_days
        flags += any(n >= rules.unexcused_days_in_month for n in months.values())
        rates.append(1 - len(rows) / max(len(own_days), 1))
    done = time.perf_counter()
    return {
        "students": len(place),
        "flags": flags,
        "read_s": read - started,
        "compute_s": done - read,
        "total_s": done - started,
        "peak_mb": _peak_mb(),
    }


STAGES = {
    "closures": stage_closures,
    "bulk": stage_bulk,
    "scan": stage_scan,
    "naive": stage_naive,
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="yuyang")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres", metavar="URL", help="a database to drop, create and use")
    parser.add_argument("--stage", choices=sorted(STAGES), help=argparse.SUPPRESS)
    parser.add_argument(
        "--spring", nargs=3, metavar=("SCALE", "SEED", "OUT"), help=argparse.SUPPRESS
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folder")
    args = parser.parse_args()
    if args.spring:
        write_spring(args.spring[0], int(args.spring[1]), Path(args.spring[2]))
        return
    if args.stage:
        _setup()
        print(json.dumps(STAGES[args.stage](), default=str))
        return
    folder = ensure_files(args.scale, args.seed)
    env = fresh_env(args.postgres)
    print(f"database: {'PostgreSQL' if args.postgres else 'SQLite'}; files in {folder}")
    prepare(env, folder)
    imported = import_absences(env, absence_files(folder))
    print(
        f"import of the year's absences: {imported['rows']:,} rows in {imported['files']} files,"
        f" {imported['seconds']:.1f} s end to end ({imported['rows'] / imported['seconds']:,.0f}"
        f" rows/s), peak {imported['peak_mb']:,.0f} MB"
    )
    closed = stage("closures", env)  # after the import, which refuses absences on closed days
    print(
        f"closures: {closed['schools']} schools closed two days each (recorded after the absences)"
    )
    columnar = stage("bulk", env)
    print(
        f"columnar year ({columnar['students']:,} students, {columnar['absences']:,} absences,"
        f" {columnar['school_days']} school days, {columnar['closed_days']} closed school-days):"
        f" read {columnar['read_s']:.2f} s, suspects {columnar['suspects_s']:.2f} s,"
        f" attendance {columnar['attendance_s']:.2f} s, total {columnar['total_s']:.2f} s,"
        f" peak {columnar['peak_mb']:,.0f} MB; {columnar['flags']:,} flags for"
        f" {columnar['flagged_students']:,} students"
    )
    scanned = stage("scan", env)
    if "error" in scanned:
        print(f"retention scan: failed ({scanned['error']})")
    else:
        print(
            f"retention scan as of {AS_OF}: first {scanned['first_s']:.2f} s ({scanned['first']}),"
            f" re-run {scanned['rerun_s']:.2f} s, peak {scanned['peak_mb']:,.0f} MB"
        )
    naive = stage("naive", env)
    print(
        f"baseline per student in Python (ORM read {naive['read_s']:.2f} s, loop"
        f" {naive['compute_s']:.2f} s): {naive['total_s']:.2f} s, peak {naive['peak_mb']:,.0f} MB,"
        f" {naive['flags']:,} flags"
    )
    print(f"ratio baseline / columnar: {naive['total_s'] / columnar['total_s']:.1f}x")
    if not args.keep:
        shutil.rmtree(env["NOTONELESS_DATA_DIR"], ignore_errors=True)
    else:
        print(f"data folder kept: {env['NOTONELESS_DATA_DIR']}")


if __name__ == "__main__":
    main()
