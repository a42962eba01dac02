"""Benchmark: importing a county's student roster (.xlsx) end to end, against the naive Django path.

    uv run python benchmarks/import_students.py [--scale yuyang] [--seed 1] [--postgres URL] [--naive-rows N]

Prints wall time and peak memory of `notoneless import students FILE` in a fresh database (SQLite, and
PostgreSQL when --postgres is given), the re-import of the same file (nothing changes), and the naive path
a Django user would write (openpyxl, then one ORM update_or_create per row and per table, encrypting each
value as it goes). The naive path reads the whole file but writes only --naive-rows rows; its total is
extrapolated from that rate and printed as such. Ratios are from the same run on the same machine.
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
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MB) of the child, and its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024, proc.stdout


def notoneless(*args: str) -> list[str]:
    return [sys.executable, "-m", "notoneless", *args]


def ensure_files(scale: str, seed: int) -> Path:
    folder = OUT / f"{scale}-{seed}"
    if not (folder / "students.xlsx").exists():
        env = dict(os.environ, NOTONELESS_DATA_DIR=tempfile.mkdtemp())
        wall, _, _ = run(
            notoneless("generate", "--scale", scale, "--seed", str(seed), "--out", str(folder)), env
        )
        print(f"generated {scale} in {wall:.1f} s")
    return folder


def fresh_env(database_url: str | None) -> dict[str, str]:
    env = dict(os.environ, NOTONELESS_DATA_DIR=tempfile.mkdtemp(prefix="nol-bench-"))
    if database_url:
        env["NOTONELESS_DATABASE_URL"] = database_url
        reset_postgres(database_url)
    return env


def reset_postgres(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def prepare(env: dict[str, str], folder: Path) -> None:
    run(notoneless("migrate", "-v0"), env)
    for kind in ("divisions", "schools"):
        run(notoneless("import", kind, str(folder / f"{kind}.xlsx"), "--json"), env)


def fast_path(folder: Path, database_url: str | None) -> dict[str, float]:
    env = fresh_env(database_url)
    prepare(env, folder)
    args = ("import", "students", str(folder / "students.xlsx"), "--term", "2020-autumn", "--json")
    first, peak, out = run(notoneless(*args), env)
    result = json.loads(out)
    again, _, out_again = run(notoneless(*args), env)
    unchanged = json.loads(out_again)["unchanged"]
    shutil.rmtree(env["NOTONELESS_DATA_DIR"], ignore_errors=True)
    return {
        "rows": result["rows"],
        "created": result["created"],
        "seconds": first,
        "peak_mb": peak,
        "reimport_seconds": again,
        "reimport_unchanged": unchanged,
    }


def naive_path(folder: Path, database_url: str | None, sample: int) -> dict[str, float]:
    env = fresh_env(database_url)
    prepare(env, folder)
    code = NAIVE.replace("__FILE__", str(folder / "students.xlsx")).replace(
        "__SAMPLE__", str(sample)
    )
    _, _, out = run([sys.executable, "-c", code], env)
    return json.loads(out.strip().splitlines()[-1])


NAIVE = r"""
import json, os, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "notoneless.settings")
import django; django.setup()
from datetime import date
import openpyxl
from django.db import transaction
from notoneless.registry.models import Person, School, Student, Enrollment, Term
from notoneless.registry.protection import cipher
start = time.perf_counter()
book = openpyxl.load_workbook("__FILE__", read_only=True)
rows = list(book.active.iter_rows(values_only=True))
header, body = rows[0], rows[1:]
read_seconds = time.perf_counter() - start
col = {name: i for i, name in enumerate(header)}
term, _ = Term.objects.get_or_create(code="2020-autumn", defaults=dict(school_year=2020, season="autumn",
    start_date=date(2020, 9, 1), end_date=date(2021, 1, 31)))
grades = {"一年级": 1, "二年级": 2, "三年级": 3, "四年级": 4, "五年级": 5, "六年级": 6}
c = cipher()
start = time.perf_counter()
with transaction.atomic():
    for row in body[:__SAMPLE__]:
        number, id_number = row[col["学籍号"]], row[col["身份证号"]] or ""
        person, _ = Person.objects.update_or_create(
            id_number_hash=c.lookup_hash(id_number or number),
            defaults=dict(name=row[col["姓名"]], name_norm=row[col["姓名"]], id_number_enc=c.encrypt(id_number)))
        student, _ = Student.objects.update_or_create(
            student_number_hash=c.lookup_hash(number),
            defaults=dict(person=person, student_number_enc=c.encrypt(number)))
        school = School.objects.get(code=row[col["学校标识码"]])
        Enrollment.objects.update_or_create(student=student, term=term, school=school,
            defaults=dict(stage="primary", grade=grades.get(row[col["年级"]], 1)))
write_seconds = time.perf_counter() - start
n = min(__SAMPLE__, len(body))
print(json.dumps({"rows": len(body), "read_seconds": read_seconds, "sample_rows": n,
                  "sample_write_seconds": write_seconds,
                  "estimated_seconds": read_seconds + write_seconds / n * len(body)}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", default="yuyang")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="also run on PostgreSQL, e.g. "
        "postgres://postgres@127.0.0.1:5432/nol_bench (the database is dropped and re-created)",
    )
    parser.add_argument("--naive-rows", type=int, default=5000)
    args = parser.parse_args()
    folder = ensure_files(args.scale, args.seed)
    for label, url in [
        ("SQLite", None),
        *([("PostgreSQL", args.postgres)] if args.postgres else []),
    ]:
        fast = fast_path(folder, url)
        naive = naive_path(folder, url, args.naive_rows)
        print(f"\n== {label}: students.xlsx, {fast['rows']:,} rows ==")
        print(
            f"notoneless import: {fast['seconds']:.1f} s end to end ({fast['rows'] / fast['seconds']:,.0f} rows/s), "
            f"peak memory {fast['peak_mb']:,.0f} MB, created {fast['created']:,}"
        )
        print(
            f"re-import of the same file: {fast['reimport_seconds']:.1f} s, unchanged {fast['reimport_unchanged']:,}"
        )
        print(
            f"naive (openpyxl + ORM per row): read {naive['read_seconds']:.1f} s, "
            f"{naive['sample_rows']:,} rows written in {naive['sample_write_seconds']:.1f} s, "
            f"estimated {naive['estimated_seconds']:.0f} s for all rows"
        )
        print(f"ratio naive / notoneless: {naive['estimated_seconds'] / fast['seconds']:.1f}x")


if __name__ == "__main__":
    main()
