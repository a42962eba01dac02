"""``findings``: compute a run's findings for a term, or list one kind of them (text, ``--json`` or
``--xlsx``), within the acting user's scope. ``register_findings`` adds it to an ``argparse``
sub-parser set (``notoneless match findings``)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notoneless.aid.cli.common import acting_user, reader
from notoneless.matching import export, selectors
from notoneless.matching.errors import MatchingRefused
from notoneless.matching.findings import compute_findings
from notoneless.matching.models import Finding, MatchRun

KINDS = [str(k) for k in Finding.Kind.values]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kind", choices=KINDS, help="the kind of finding to list")
    parser.add_argument("--township", metavar="CODE", help="only this township (12-digit code)")
    parser.add_argument("--school", metavar="CODE", help="only this school (10-digit code)")
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")
    parser.add_argument(
        "--xlsx", type=Path, metavar="FILE", help="write the findings to a workbook"
    )
    parser.add_argument(
        "--compute",
        action="store_true",
        help="compute the latest run's findings for --term first (replacing its findings)",
    )
    parser.add_argument("--term", help="the term to compute for, e.g. 2020-autumn")
    parser.add_argument(
        "--user", metavar="USERNAME", help="the account you act as (scope and audit log)"
    )


def register_findings(subparsers: Any) -> None:
    parser = subparsers.add_parser("findings", help="compute or list findings (核查线索)")
    add_arguments(parser)
    parser.set_defaults(run=run_findings)


def run_findings(cmd: BaseCommand, options: dict[str, Any]) -> None:
    try:
        if options.get("compute"):
            _compute(cmd, options)
        if options.get("kind"):
            _list(cmd, options)
        elif not options.get("compute"):
            raise CommandError("give --kind KIND to list, or --compute --term TERM / 请指明 --kind")
    except MatchingRefused as refusal:
        raise CommandError(str(refusal)) from None


def _compute(cmd: BaseCommand, options: dict[str, Any]) -> None:
    term = options.get("term")
    if not term:
        raise CommandError("--compute needs --term, e.g. 2020-autumn / 请指明学期")
    run = MatchRun.objects.first()
    if run is None:
        run = MatchRun.objects.create(
            started_at=timezone.now(),
            finished_at=timezone.now(),
            notes=["findings computed before any linkage run: links are the imports' exact ones"],
        )
    counts = compute_findings(run=run, term_code=term, acting_user=acting_user(options))
    if options.get("json") and not options.get("kind"):
        cmd.stdout.write(json.dumps({"run": run.pk, "term": term, "findings": counts}))
        return
    for kind, n in counts.items():
        cmd.stdout.write(f"{kind:<22}{n:>8}")


def _list(cmd: BaseCommand, options: dict[str, Any]) -> None:
    user = reader(options)
    findings = selectors.findings_for(
        user, options["kind"], township=options.get("township"), school=options.get("school")
    )
    rows = export.finding_rows(findings)
    if options.get("xlsx"):
        count = export.write_xlsx(options["kind"], rows, str(options["xlsx"]))
        cmd.stdout.write(f"{count} rows → {options['xlsx']}")
    if options.get("json"):
        cmd.stdout.write(json.dumps([export.as_dict(r) for r in rows], ensure_ascii=False))
    elif not options.get("xlsx"):
        for row in rows:
            cmd.stdout.write("\t".join([*export.values(row)[:5], row.finding.reason]))
        cmd.stdout.write(f"{len(rows)} {options['kind']}")
