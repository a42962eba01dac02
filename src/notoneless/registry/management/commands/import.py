"""``notoneless import KIND FILE``: the same import the web uses, with a report for the terminal or JSON."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from notoneless.registry.imports import KINDS, ImportResult, import_file
from notoneless.registry.imports.issues import write_error_workbook


class Command(BaseCommand):
    help = "Import a register file (.xlsx, .xls or .csv): " + ", ".join(KINDS)
    # The system checks import every app's URLs and views (0.15 s) and find nothing an import needs:
    # `migrate`, which every installation runs first, checks the project.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--term", help="term of a student roster, e.g. 2020-autumn (default: current)"
        )
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument(
            "--partial", action="store_true", help="import the good rows of a file with errors"
        )
        parser.add_argument("--layout", help="a named layout of a national system's export")
        parser.add_argument(
            "--errors", type=Path, metavar="OUT.xlsx", help="write the problems to a workbook"
        )
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"{path}: no such file / 文件不存在")
        with self._progress_bar(options) as progress:
            result = self._import(options, path, progress)
        self._finish(result, options)

    def _import(self, options: dict[str, Any], path: Path, progress: Any) -> ImportResult:
        return import_file(
            options["kind"],
            path,
            term=options["term"],
            dry_run=options["dry_run"],
            partial=options["partial"],
            layout=options["layout"],
            progress=progress,
        )

    def _finish(self, result: ImportResult, options: dict[str, Any]) -> None:
        if options["errors"] and result.log and (result.errors or result.warnings):
            write_error_workbook(result.log, options["errors"])
        if options["json"]:
            self.stdout.write(
                json.dumps(result.as_dict(), ensure_ascii=False, default=str, indent=1)
            )
        else:
            self._report(result, options)
        if not result.ok or (result.errors and not options["partial"]):
            raise SystemExit(1)

    @contextmanager
    def _progress_bar(self, options: dict[str, Any]) -> Iterator[Any]:
        """A progress bar on a terminal (rows checked and written); nothing when piped or with --json."""
        if options["json"] or not sys.stderr.isatty():
            yield None
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        labels = {"reading": "读取 reading", "checking": "检查 checking", "writing": "写入 writing"}
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task(labels["reading"], total=None)

            def update(stage: str, done: int, total: int | None) -> None:
                bar.update(task, description=labels.get(stage, stage), completed=done, total=total)

            yield update

    def _report(self, result: ImportResult, options: dict[str, Any]) -> None:
        from rich.console import Console
        from rich.table import Table

        console = Console(file=cast(IO[str], self.stdout), soft_wrap=True)
        verdict = {
            "imported": "[green]导入完成 imported[/green]",
            "partial": "[yellow]已导入无误的行 imported the good rows[/yellow]",
            "dry_run": "[cyan]试运行，未写入 dry run, nothing written[/cyan]",
            "refused": "[red]已拒绝，未写入任何数据 refused, nothing written[/red]",
        }[result.outcome]
        console.print(f"{result.file_name} ({result.kind}): {verdict}")
        console.print(
            f"行 rows {result.rows} · 新增 created {result.counts.created} · 更新 updated {result.counts.updated} · "
            f"未变 unchanged {result.counts.unchanged} · 错误 errors {result.errors} · 提示 warnings {result.warnings}"
        )
        if result.outcome == "imported" and result.rows and result.counts.unchanged == result.rows:
            console.print("与上次导入相同，没有变化 / same as the last import: nothing changed")
        issues = result.log.frame() if result.log else None
        if issues is not None and issues.height:
            table = Table("行 row", "列 column", "值 value", "原因 reason")
            for issue in issues.head(50).iter_rows(named=True):
                style = "red" if issue["severity"] == "error" else "yellow"
                table.add_row(
                    str(issue["row"] or ""),
                    issue["column"] or "",
                    issue["value"] or "",
                    f"[{style}]{issue['reason_zh']} / {issue['reason_en']}[/{style}]",
                )
            console.print(table)
            if issues.height > 50:
                console.print(
                    f"… 共 {issues.height} 条，另见 --errors 文件 / {issues.height} in all; see --errors"
                )
