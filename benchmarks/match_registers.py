"""Benchmark: the linkage engine on a loaded demo county, against the generator's truth.json.

    NOTONELESS_DATA_DIR=DIR uv run python benchmarks/match_registers.py [--truth DIR/demo/yuyang-1]

DIR holds a loaded county (``notoneless demo --scale yuyang --no-serve``; NOTONELESS_DATABASE_URL for
PostgreSQL) that no match run has touched yet. The run happens in a fresh process (``notoneless match run
--json``), timed, with its peak memory, and it writes its links: run the benchmark on a copy of the data
folder. Printed:

- blocking recall: of the true links among the records no ID linked at import, the share that at least one
  blocking rule of ``rules.toml`` puts in front of the model (goal ≥ 99.9%);
- per register and per noise kind (typed_digit, swapped_digits, missing_id, traditional, homophone,
  blank_sex, blank_birth_date): true links to find, found automatically, wrong automatic links, sent to
  review; recall and precision of the automatic links with no review (goal ≥ 99.8% each);
- run time and peak memory of the command (goal < 60 s, < 4 GB on 2 cores).

truth.json: ``links[file][i]`` is the person key of spreadsheet row i+2 of that register file; students.xlsx
rows give each student number's person key; register records keep ``source_row``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import polars as pl

FILES = {
    "households": "households.xlsx",
    "assistance": "assistance.xlsx",
    "disability": "disability.xlsx",
    "hukou": "hukou.xlsx",
    "enrolled-elsewhere": "enrolled-elsewhere.xlsx",
}
NOISE = (
    "typed_digit",
    "swapped_digits",
    "missing_id",
    "traditional",
    "homophone",
    "blank_sex",
    "blank_birth_date",
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--truth", type=Path, help="folder with truth.json and students.xlsx")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "notoneless.settings")
    import django

    django.setup()
    from django.db import connection

    from notoneless import config

    folder = args.truth or next((config.data_dir() / "demo").glob("*-1"))
    print(f"database: {connection.vendor}; truth: {folder}")
    started = time.monotonic()
    before = truth_frame(folder)
    print(f"truth read in {time.monotonic() - started:.1f} s")
    print_blocking_recall(before)
    wall, peak, out = command()
    print(
        f"`notoneless match run` (new process, incl. start-up): {wall:.1f} s, peak RSS {peak:,.0f} MB"
    )
    print(f"  counts: {json.dumps({k: v for k, v in out['counts'].items() if k != 'registers'})}")
    after = links_now(before)
    print_accuracy(after)


def truth_frame(folder: Path) -> pl.DataFrame:
    """One row per register record: ``record_uid``, ``kind``, its link at import, the true student's person
    (null when the truth person is not a student) and the noise kinds of its row."""
    from notoneless.matching.frames import REGISTERS
    from notoneless.registry.imports import db
    from notoneless.registry.models import Student
    from notoneless.registry.protection import lookup_hash

    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    roster = pl.read_excel(
        folder / "students.xlsx", engine="calamine", infer_schema_length=0, columns=["学籍号"]
    )
    students = db.read_frame(
        f"SELECT student_number_hash, person_id FROM {db.table(Student)}",
        schema={"hash": pl.String, "true_person": pl.Int64},
    )
    keys = pl.DataFrame(
        {
            "hash": [lookup_hash(n) for n in roster["学籍号"].to_list()],
            "key": truth["links"]["students.xlsx"],
        }
    ).join(students, on="hash")
    frames = []
    for kind, file in FILES.items():
        links, noise = truth["links"][file], truth["noise"].get(file, {})
        table = db.table(REGISTERS[kind])
        rows = db.read_frame(
            f"SELECT id, source_row, person_id, link_method FROM {table}",
            schema={
                "id": pl.Int64,
                "source_row": pl.Int64,
                "person_at_start": pl.Int64,
                "method_at_start": pl.String,
            },
        )
        rows = rows.with_columns(
            pl.lit(kind).alias("kind"),
            pl.Series("key", [links[r - 2] for r in rows["source_row"]], dtype=pl.String),
            pl.Series(
                "noise",
                [noise.get(str(r), []) for r in rows["source_row"]],
                dtype=pl.List(pl.String),
            ),
        )
        frames.append(rows)
    return (
        pl.concat(frames)
        .join(keys.select("key", "true_person"), on="key", how="left")
        .with_columns(
            pl.concat_str([pl.col("kind"), pl.col("id").cast(pl.String)], separator=":").alias(
                "record_uid"
            )
        )
    )


def print_blocking_recall(truth: pl.DataFrame) -> None:
    """Share of true pairs among unlinked records that a blocking rule would compare."""
    import duckdb

    from notoneless.matching.engine import load_rules
    from notoneless.matching.frames import read_sides

    sides = read_sides()
    todo = truth.filter(pl.col("person_at_start").is_null() & pl.col("true_person").is_not_null())
    pairs = todo.select(
        pl.col("record_uid").alias("l_uid"), pl.col("true_person").cast(pl.String).alias("r_uid")
    )
    con = duckdb.connect()
    con.register("l_side", sides.records.to_arrow())
    con.register("r_side", sides.persons.to_arrow())
    con.register("pairs", pairs.to_arrow())
    rules = load_rules()["blocking"]["rules"]
    select = ", ".join(f"count(*) FILTER (WHERE {rule}) AS r{i}" for i, rule in enumerate(rules))
    any_rule = " OR ".join(f"({rule})" for rule in rules)
    row = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE {any_rule}), {select} FROM pairs p "
        "JOIN l_side l ON l.unique_id = p.l_uid JOIN r_side r ON r.unique_id = p.r_uid"
    ).fetchone()
    assert row is not None
    total, covered = row[0], row[1]
    print(f"blocking recall: {covered:,} of {total:,} true pairs ({covered / max(total, 1):.4%})")
    for rule, n in zip(rules, row[2:], strict=True):
        print(f"  {n:7,}  {rule}")


def command() -> tuple[float, float, dict[str, Any]]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "notoneless", "match", "run", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return wall, peak, json.loads(done.stdout)


def links_now(truth: pl.DataFrame) -> pl.DataFrame:
    from notoneless.matching.frames import REGISTERS
    from notoneless.matching.models import CandidatePair
    from notoneless.registry.imports import db

    frames = []
    for kind, model in REGISTERS.items():
        if kind not in FILES:
            continue
        frames.append(
            db.read_frame(
                f"SELECT id, person_id, link_method FROM {db.table(model)}",
                schema={"id": pl.Int64, "person_now": pl.Int64, "method_now": pl.String},
            ).with_columns(pl.lit(kind).alias("kind"))
        )
    pending = db.read_frame(
        f"SELECT record_kind, record_id, person_id FROM {db.table(CandidatePair)} WHERE status = 'pending'",
        schema={"kind": pl.String, "id": pl.Int64, "review_person": pl.Int64},
    )
    return (
        truth.join(pl.concat(frames), on=["kind", "id"], how="left")
        .join(pending, on=["kind", "id"], how="left")
        .filter(pl.col("person_at_start").is_null())
    )


def accuracy(frame: pl.DataFrame) -> dict[str, Any]:
    true = frame.filter(pl.col("true_person").is_not_null())
    auto = frame.filter(pl.col("method_now") == "probabilistic")
    right = auto.filter(pl.col("person_now") == pl.col("true_person")).height
    found = true.filter(pl.col("person_now") == pl.col("true_person")).height
    return {
        "true": true.height,
        "auto": auto.height,
        "right": right,
        "wrong": auto.height - right,
        "review": frame.filter(pl.col("review_person").is_not_null()).height,
        "recall": found / true.height if true.height else 1.0,
        "precision": right / auto.height if auto.height else 1.0,
    }


def print_accuracy(frame: pl.DataFrame) -> None:
    head = f"{'':24} {'true':>7} {'auto':>7} {'right':>7} {'wrong':>6} {'review':>6} {'recall':>8} {'precision':>9}"
    print(head)

    def line(label: str, part: pl.DataFrame) -> None:
        a = accuracy(part)
        print(
            f"{label:24} {a['true']:7,} {a['auto']:7,} {a['right']:7,} {a['wrong']:6,} {a['review']:6,} "
            f"{a['recall']:8.3%} {a['precision']:9.3%}"
        )

    line("all registers", frame)
    for kind in FILES:
        line(kind, frame.filter(pl.col("kind") == kind))
    for noise in NOISE:
        line(f"noise: {noise}", frame.filter(pl.col("noise").list.contains(noise)))
    line("no noise", frame.filter(pl.col("noise").list.len() == 0))


if __name__ == "__main__":
    main()
