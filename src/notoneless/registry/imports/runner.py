"""Read, map headers, parse, validate, then write in one transaction, or refuse and change nothing."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone

from notoneless.audit.actions import record
from notoneless.lib.tables import TableError, read_table
from notoneless.registry.imports import (
    attendance,
    bank_accounts,
    db,
    divisions,
    registers,
    schools,
    students,
    teachers,
)
from notoneless.registry.imports.columns import parse_fields, select_fields
from notoneless.registry.imports.context import ImportContext
from notoneless.registry.imports.issues import IssueLog
from notoneless.registry.imports.spec import kinds, layouts, match_headers
from notoneless.registry.models import ImportRun

logger = logging.getLogger(__name__)
HANDLERS: dict[str, Any] = {
    "divisions": divisions,
    "schools": schools,
    "students": students,
    "households": registers.households,
    "assistance": registers.assistance,
    "disability": registers.disability,
    "hukou": registers.hukou,
    "enrolled-elsewhere": registers.elsewhere,
    "hardship-list": registers.hardship,
    "bank-accounts": bank_accounts,
    "teachers": teachers,
    "attendance": attendance,
}
KINDS = tuple(HANDLERS)


class ImportRefused(Exception):
    """Raised inside the transaction to roll back a dry run or a refused write."""


@dataclass
class ImportResult:
    kind: str
    file_name: str
    outcome: str
    rows: int = 0
    counts: db.Counts = field(default_factory=db.Counts)
    log: IssueLog | None = None
    import_run_id: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return self.log.errors if self.log else 0

    @property
    def warnings(self) -> int:
        return self.log.warnings if self.log else 0

    @property
    def ok(self) -> bool:
        return self.outcome in (
            ImportRun.Outcome.IMPORTED,
            ImportRun.Outcome.PARTIAL,
            ImportRun.Outcome.DRY_RUN,
        ) and (self.outcome != ImportRun.Outcome.DRY_RUN or self.errors == 0)

    def as_dict(self) -> dict[str, Any]:
        issues = self.log.frame() if self.log else pl.DataFrame()
        return {
            "kind": self.kind,
            "file": self.file_name,
            "outcome": self.outcome,
            "rows": self.rows,
            "created": self.counts.created,
            "updated": self.counts.updated,
            "unchanged": self.counts.unchanged,
            "errors": self.errors,
            "warnings": self.warnings,
            "notes": self.notes,
            "issues": issues.head(1000).to_dicts(),
        }


def import_file(
    kind: str,
    path: Path,
    *,
    acting_user: Any = None,
    term: str | None = None,
    dry_run: bool = False,
    partial: bool = False,
    layout: str | None = None,
    display_name: str | None = None,
    client: str = "cli",
    progress: Callable[[str], None] | None = None,
) -> ImportResult:
    if kind not in HANDLERS:
        raise ValueError(f"unknown import kind {kind!r}; kinds: {', '.join(KINDS)}")
    say = progress or (lambda _msg: None)
    name = display_name or path.name
    log = IssueLog(name)
    result = ImportResult(kind, name, ImportRun.Outcome.REFUSED, log=log)
    started = timezone.now()
    say("reading")
    try:
        frame, ctx = _read_and_check(kind, path, name, log, layout, started, acting_user, term)
        if frame is not None and ctx is not None and not log.has_file_error():
            _check_and_write(
                HANDLERS[kind], frame, ctx, result, say, dry_run=dry_run, partial=partial
            )
    except Exception:
        # A bug must not reach the user as a traceback, nor leave anything half-written (the write
        # transaction has rolled back): refuse, say so, and keep the details in the log.
        logger.exception("import of %s (%s) failed", name, kind)
        log.add_file_issue(
            "导入时发生内部错误，未写入任何数据，详情已记入日志",
            "internal error while importing; nothing was written; details are in the log",
        )
        result.outcome = ImportRun.Outcome.REFUSED
        result.counts = db.Counts()
    result.import_run_id = _record_run(result, path, started, acting_user, client)
    return result


def _check_and_write(
    handler: Any,
    frame: pl.DataFrame,
    ctx: ImportContext,
    result: ImportResult,
    say: Callable[[str], None],
    *,
    dry_run: bool,
    partial: bool,
) -> None:
    say("checking")
    frame = handler.prepare(frame, ctx)
    log = ctx.log
    result.rows = frame.height
    result.notes = ctx.notes
    if log.errors and partial:
        frame = frame.filter(~pl.col("_row").is_in(list(log.bad_rows())))
    if frame.height and (not log.errors or partial):
        say("writing")
        result.counts, result.outcome = _write(
            handler, frame, ctx, dry_run, partial and log.errors > 0
        )


def _read_and_check(
    kind: str,
    path: Path,
    name: str,
    log: IssueLog,
    layout_name: str | None,
    started: Any,
    acting_user: Any,
    term_code: str | None,
) -> tuple[pl.DataFrame | None, ImportContext | None]:
    spec = kinds()[kind]
    layout = layouts().get(layout_name) if layout_name else None
    if layout_name and layout is None:
        log.add_file_issue(f"未知的版式“{layout_name}”", f"unknown layout '{layout_name}'")
        return None, None
    try:
        raw = read_table(path, name)
    except TableError as exc:
        log.add_file_issue(exc.reason_zh, exc.reason_en)
        return None, None
    match = match_headers(raw.frame, spec, layout)
    if match.missing:
        _refuse_missing_columns(kind, raw.frame, match.missing, spec, log)
        return None, None
    for text in match.ignored:
        log.add_file_issue(
            f"未识别的列“{text}”已忽略", f"unrecognised column '{text}' ignored", text, "warning"
        )
    for text in match.duplicated:
        log.add_file_issue(
            f"重复的列“{text}”已忽略", f"duplicate column '{text}' ignored", text, "warning"
        )
    frame = select_fields(raw.frame, match)
    if frame.height == 0:
        log.add_file_issue("文件中没有数据行", "the file has a header but no data rows")
        return None, None
    ctx = ImportContext(
        kind=kind, log=log, titles=match.titles, started_at=started, acting_user=acting_user
    )
    if kind in students.TERM_KINDS:
        ctx.term = students.resolve_term(term_code, log)
        if ctx.term is None:
            return None, None
    frame = parse_fields(frame, spec, match, log, strict_ids=HANDLERS[kind].STRICT_IDS)
    if layout:
        frame = frame.with_columns(
            pl.col(k).fill_null(pl.lit(v)) for k, v in layout.defaults.items()
        )
    return frame, ctx


def _refuse_missing_columns(
    kind: str, raw: pl.DataFrame, missing: list[str], spec: Any, log: IssueLog
) -> None:
    titles = "、".join(spec.fields[m].aliases[0] for m in missing)
    log.add_file_issue(
        f"缺少必需的列：{titles}", f"missing required column(s): {', '.join(missing)}"
    )
    likely = _likely_kind(raw)
    if likely and likely != kind:
        log.add_file_issue(
            f"这个文件看起来是“{likely}”类文件", f"this file looks like a '{likely}' file"
        )


def _likely_kind(raw: pl.DataFrame) -> str | None:
    best, best_score = None, 0
    for other, spec in kinds().items():
        match = match_headers(raw, spec)
        required = [f for f in spec.fields.values() if f.required]
        if match.missing or not required:
            continue
        score = len(match.columns)
        if score > best_score:
            best, best_score = other, score
    return best


def _write(
    handler: Any, frame: pl.DataFrame, ctx: ImportContext, dry_run: bool, partial: bool
) -> tuple[db.Counts, str]:
    counts = db.Counts()
    try:
        with db.bulk_session(), transaction.atomic():
            counts = handler.write(frame, ctx)
            if dry_run:
                raise ImportRefused
    except ImportRefused:
        return counts, ImportRun.Outcome.DRY_RUN
    return counts, ImportRun.Outcome.PARTIAL if partial else ImportRun.Outcome.IMPORTED


def _record_run(
    result: ImportResult, path: Path, started: Any, acting_user: Any, client: str
) -> int:
    with transaction.atomic():
        run = ImportRun.objects.create(
            kind=result.kind,
            file_name=result.file_name,
            file_sha256=_sha256(path),
            acting_user=acting_user if getattr(acting_user, "pk", None) else None,
            started_at=started,
            finished_at=timezone.now(),
            outcome=result.outcome,
            rows=result.rows,
            created=result.counts.created,
            updated=result.counts.updated,
            unchanged=result.counts.unchanged,
            errors=result.errors,
            warnings=result.warnings,
        )
        record(
            f"import.{result.kind}",
            acting_user=acting_user,
            object_type="ImportRun",
            object_id=run.pk,
            detail={
                "file": result.file_name,
                "outcome": result.outcome,
                "rows": result.rows,
                "created": result.counts.created,
                "updated": result.counts.updated,
                "errors": result.errors,
            },
            client=client,
        )
    return run.pk


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()
