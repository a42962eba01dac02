"""Benchmark: a province (about 7 million students, 40 counties) generated and imported into PostgreSQL.

    uv run python benchmarks/province.py --postgres postgres://postgres@127.0.0.1:5432/nol_province \
        [--seed 1] [--kinds divisions,schools,students,households,assistance,disability,aid] [--keep]

Generates `benchmarks/out/province-<seed>/` (CSV, streamed) unless present, drops and re-creates the
database, then imports each kind with `notoneless import`, printing wall time and the peak memory of each
step's process. Large CSVs are read in batches, so memory stays bounded by the batch, not the file.
The kind ``aid`` runs ``notoneless aid compute --term 2020-autumn`` over the imported registers. With
--keep the database and data folder (keys) are kept, so later kinds can be run on top of earlier ones.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MEASURE = r"""
import resource, sys, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "notoneless.settings")
from notoneless.cli import main
try:
    main(sys.argv[1:])
finally:
    print("PEAK_MB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, file=sys.stderr)
"""


def step(label: str, args: list[str], env: dict[str, str]) -> None:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", MEASURE, *args], env=env, capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    peak = next(
        (line.split()[1] for line in proc.stderr.splitlines() if line.startswith("PEAK_MB")), "?"
    )
    summary = next((line for line in proc.stdout.splitlines() if "rows" in line), "").strip()
    status = "ok" if proc.returncode == 0 else f"exit {proc.returncode}"
    print(f"{label:<28} {wall:8.1f} s  peak {peak:>6} MB  {status}  {summary}", flush=True)
    if proc.returncode != 0:
        print(proc.stdout[-2000:], proc.stderr[-2000:], sep="\n")


def reset_postgres(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postgres", required=True, metavar="URL")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kinds", default="divisions,schools,students")
    parser.add_argument(
        "--keep", action="store_true", help="import on top of the existing database"
    )
    args = parser.parse_args()
    folder = HERE / "out" / f"province-{args.seed}"
    data = HERE / "out" / f"province-{args.seed}-data"
    data.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, NOTONELESS_DATA_DIR=str(data), NOTONELESS_DATABASE_URL=args.postgres)
    if not (folder / "students.csv").exists():
        step(
            "generate province",
            ["generate", "--scale", "province", "--seed", str(args.seed), "--out", str(folder)],
            env,
        )
    if not args.keep:
        reset_postgres(args.postgres)
    step("migrate", ["migrate", "-v0"], env)
    for kind in args.kinds.split(","):
        if kind == "aid":
            step("aid compute", ["aid", "compute", "--term", "2020-autumn"], env)
            continue
        path = folder / f"{kind}.csv"
        extra = ["--term", "2020-autumn"] if kind == "students" else []
        step(f"import {kind}", ["import", kind, str(path), *extra], env)


if __name__ == "__main__":
    main()
