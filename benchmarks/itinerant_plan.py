"""Benchmark: the week of itinerant teaching (走教) for a demo county, planned by CP-SAT within its time
limit, against the greedy week alone (the hint the solver starts from), measured in the same run.

    uv run python benchmarks/itinerant_plan.py [--scale yuyang] [--seed 1] [--time-limit 40]

Steps:
1. the county's files: `notoneless generate` into `benchmarks/out/<scale>-<seed>/` if needed;
2. a fresh SQLite database in a temporary data folder: migrate, then import the divisions, schools,
   students (2020-autumn), teachers and travel times as a clerk would;
3. the planner in a process of its own (`--stage plan`): the input built from the registers, the
   greedy week, then the CP-SAT plan, each timed; every rule of the output checked independently
   (``tests/schools/plan_checks.py``).

It prints the figures (lessons needed and covered, trips, road minutes, the optimality gap and the
fewest lessons any plan must leave open) and the ratios of the plan to the greedy week. The goal is
the whole plan, input to timetable, in under 60 s on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
KINDS = ("divisions", "schools", "students", "teachers", "travel-times")


def _run(cmd: list[str], env: dict[str, str]) -> str:
    import subprocess

    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc.stdout


def _notoneless(*args: str) -> list[str]:
    return [sys.executable, "-m", "notoneless", *args]


def prepare(scale: str, seed: int) -> dict[str, str]:
    folder = OUT / f"{scale}-{seed}"
    env = dict(os.environ, NOTONELESS_DATA_DIR=tempfile.mkdtemp(prefix="itinerant-bench-"))
    if not (folder / "teachers.xlsx").exists() or not (folder / "travel-times.xlsx").exists():
        _run(
            _notoneless("generate", "--scale", scale, "--seed", str(seed), "--out", str(folder)),
            env,
        )
    _run(_notoneless("migrate", "--verbosity", "0"), env)
    for kind in KINDS:
        path = folder / f"{kind}.xlsx"
        extra = ["--term", "2020-autumn"] if kind == "students" else []
        _run(_notoneless("import", kind, str(path), *extra), env)
    return env


def plan_stage(time_limit: float) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "notoneless.settings")
    django.setup()
    sys.path.insert(0, str(HERE.parent / "tests"))
    from notoneless.schools import frames
    from notoneless.schools.itinerant import solver
    from notoneless.schools.itinerant.periods import timetable
    from notoneless.schools.itinerant.plan import Outcome, township_rows, uncovered_reasons
    from notoneless.schools.itinerant.problem import build_problem
    from schools.plan_checks import Lesson, route_minutes, violations

    started = time.perf_counter()
    problem = build_problem(frames.autumn_term(2020))
    built = time.perf_counter() - started

    # the baseline: the greedy week of every part, as the solver's hint has it
    greedy_started = time.perf_counter()
    greedy_lessons, greedy_minutes = solver.greedy_baseline(problem)
    greedy = time.perf_counter() - greedy_started

    solved = solver.solve(problem, time_limit=time_limit)
    lessons = timetable(problem, solved.lessons)
    outcome = Outcome(problem, solved, lessons, uncovered_reasons(problem, solved))
    rows = township_rows(outcome)
    total = time.perf_counter() - started
    checked = [
        Lesson(x.teacher_id, x.school_id, x.grade, x.class_name, x.subject, x.day, x.period)
        for x in lessons
    ]
    open_ = {
        (n.school_id, n.grade, n.class_name, n.subject): solved.uncovered[n.index]
        for n in problem.needs
        if solved.uncovered.get(n.index)
    }
    return {
        "needs": len(problem.needs),
        "demanded": sum(n.lessons for n in problem.needs),
        "teachers": len(problem.teachers),
        "townships": len(rows),
        "parts": len(solved.parts),
        "input_seconds": round(built, 2),
        "greedy_seconds": round(greedy, 2),
        "greedy_covered": greedy_lessons,
        "greedy_travel_minutes": greedy_minutes,
        "solve_seconds": round(solved.seconds, 2),
        "total_seconds": round(total, 2),
        "covered": len(lessons),
        "uncovered_at_least": solved.uncovered_at_least,
        "trips": sum(r["trips"] for r in rows),
        "travel_minutes": route_minutes(problem, checked),
        "status": solved.status,
        "gap": round(solved.gap, 4),
        "violations": len(violations(problem, checked, open_)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="yuyang")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=40)
    parser.add_argument("--stage", choices=["plan"])
    args = parser.parse_args()
    if args.stage == "plan":
        print(json.dumps(plan_stage(args.time_limit)))
        return
    env = prepare(args.scale, args.seed)
    out = _run(
        [sys.executable, __file__, "--stage", "plan", "--time-limit", str(args.time_limit)], env
    )
    figures = json.loads(out.strip().splitlines()[-1])
    print(
        f"{args.scale} (seed {args.seed}): {figures['teachers']} itinerant teachers, "
        f"{figures['demanded']} lessons a week open in {figures['needs']} class-subjects, "
        f"{figures['townships']} townships, {figures['parts']} parts solved"
    )
    print(f"  input from the registers  {figures['input_seconds']:>7.2f} s")
    print(
        f"  greedy week (baseline)    {figures['greedy_seconds']:>7.2f} s   covers "
        f"{figures['greedy_covered']}, {figures['greedy_travel_minutes']} road minutes"
    )
    print(
        f"  CP-SAT plan               {figures['solve_seconds']:>7.2f} s   covers {figures['covered']} "
        f"(no plan covers more than {figures['demanded'] - figures['uncovered_at_least']})"
    )
    print(f"  whole plan, input to timetable: {figures['total_seconds']:.2f} s (goal: under 60 s)")
    print(
        f"  trips {figures['trips']}, road minutes {figures['travel_minutes']}, "
        f"status {figures['status']}, gap {figures['gap']:.2%}, rule violations {figures['violations']}"
    )
    if figures["greedy_covered"] and figures["greedy_travel_minutes"]:
        print(
            f"  plan / greedy: covered {figures['covered'] / figures['greedy_covered']:.3f}, "
            f"road minutes {figures['travel_minutes'] / figures['greedy_travel_minutes']:.3f}"
        )


if __name__ == "__main__":
    main()
