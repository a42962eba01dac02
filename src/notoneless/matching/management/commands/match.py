"""``notoneless match run [--engine duckdb|spark] [--term T] [--json]``: link the registers to the
students, print what was linked (by ID at import, by the model now) and what waits for review, per
register, then the findings for the term. ``notoneless match findings --kind KIND`` lists findings."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from notoneless.matching.cli import register_findings
from notoneless.matching.errors import MatchingRefused
from notoneless.matching.models import MatchRun, RecordKind
from notoneless.registry.models import Term

COLUMNS = [
    ("records", "记录 records"),
    ("exact", "身份证号 by ID"),
    ("probabilistic", "概率匹配 probabilistic"),
    ("manual", "人工 manual"),
    ("new_links", "本次新增 new"),
    ("review", "待复核 review"),
    ("unlinked", "未匹配 unlinked"),
]


class Command(BaseCommand):
    help = "Match the registers to the student register (精准识别): notoneless match run [--json]."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        run = sub.add_parser("run", help="link register records to students, score and queue pairs")
        run.add_argument("--engine", choices=MatchRun.Engine.values, default=MatchRun.Engine.DUCKDB)
        run.add_argument("--json", action="store_true", help="print the counts as JSON")
        run.add_argument("--term", help="term of the findings (default: the current term)")
        register_findings(sub)
        checks = sub.add_parser(
            "checks", help="the three household-register checks (三比对) as reports"
        )
        checks.add_argument("--term", help="the term (default: the current term)")
        checks.add_argument("--json", action="store_true")
        checks.set_defaults(run=self._checks)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "run":
            self._run(options)
        else:
            options["run"](self, options)

    def _run(self, options: dict[str, Any]) -> None:
        from notoneless.matching.actions import run_matching

        started = time.monotonic()
        try:
            with self._progress(options) as progress:
                run = run_matching(engine=options["engine"], acting_user=None, progress=progress)
        except MatchingRefused as exc:
            raise CommandError(str(exc)) from exc
        findings = self._findings(run, options["term"])
        seconds = time.monotonic() - started
        if options["json"]:
            out = {"run": run.pk, "engine": run.engine, "seconds": round(seconds, 1)}
            out |= {"counts": run.counts, "notes": run.notes, "findings": findings}
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=1))
        else:
            self._report(run, seconds)
            for kind, n in findings.items():
                self.stdout.write(f"{kind:<22}{n:>8,}")

    def _checks(self, cmd: BaseCommand, options: dict[str, Any]) -> None:
        from notoneless.matching.checks import run_checks
        from notoneless.registry.selectors import current_term

        code = options["term"] or (current.code if (current := current_term()) else None)
        term = Term.objects.filter(code=code).first() if code else None
        if term is None:
            raise CommandError(
                f"no term {code!r}: import its student roster first / 该学期无学籍数据"
            )
        reports = run_checks(term, MatchRun.objects.order_by("-started_at").first())
        if options["json"]:
            self.stdout.write(json.dumps(reports, ensure_ascii=False, indent=1, default=str))
            return
        for name, rows in reports.items():
            self.stdout.write(f"{name}: {len(rows):,}")
            for row in rows[:20]:
                self.stdout.write("  " + "  ".join(str(v) for v in row.values()))

    @staticmethod
    def _findings(run: MatchRun, term: str | None) -> dict[str, int]:
        from notoneless.matching.findings import compute_findings
        from notoneless.registry.selectors import current_term

        current = current_term()
        code = term or (current.code if current else None)
        if code is None:
            return {}
        return compute_findings(run=run, term_code=code, acting_user=None)

    @contextmanager
    def _progress(self, options: dict[str, Any]) -> Iterator[Callable[[str], None] | None]:
        """A spinner with the current step on a terminal; nothing when piped or with --json."""
        if options["json"] or not sys.stderr.isatty():
            yield None
            return
        from rich.console import Console

        console = Console(stderr=True)
        started = time.monotonic()
        with console.status("匹配 matching") as status:

            def update(step: str) -> None:
                status.update(f"匹配 matching: {step}")
                console.log(f"{time.monotonic() - started:5.1f} s  {step}")

            yield update

    def _report(self, run: MatchRun, seconds: float) -> None:
        from rich.console import Console
        from rich.table import Table

        console = Console(file=cast(IO[str], self.stdout), width=150)
        table = Table(title=f"匹配结果 match run {run.pk} ({run.engine}, {seconds:.1f} s)")
        table.add_column("登记册 register")
        for _, title in COLUMNS:
            table.add_column(title, justify="right")
        counts = run.counts
        for kind, row in counts["registers"].items():
            table.add_row(str(RecordKind(kind).label), *[f"{row[key]:,}" for key, _ in COLUMNS])
        table.add_row("合计 total", *[f"{counts[key]:,}" for key, _ in COLUMNS], style="bold")
        console.print(table)
        console.print(f"scored pairs 评分的候选对: {counts['scored_pairs']:,}")
        for note in run.notes:
            console.print(f"- {note}")
