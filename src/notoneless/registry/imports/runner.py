"""Read, map headers, parse, validate, then write in one transaction, or refuse and change nothing."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone

from notoneless.audit.actions import record
from notoneless.lib.tables import TableError, TableSource, open_table
from notoneless.registry.imports import (
    attendance,
    bank_accounts,
    db,
    divisions,
    loans,
    registers,
    responsibles,
    schools,
    students,
    teachers,
)
from notoneless.registry.imports.columns import parse_fields, select_fields
from notoneless.registry.imports.context import ImportContext
from notoneless.registry.imports.issues import IssueLog
from notoneless.registry.imports.spec import HeaderMatch, Layout, kinds, layouts, match_headers
from notoneless.registry.models import ImportRun
from notoneless.schools.imports import conditions, honours, projects, recruitment, training, travel

logger = logging.getLogger(__name__)
# progress(stage, rows done, rows in all or None when not known yet, as for a streamed file)
Progress = Callable[[str, int, int | None], None]
# In dependency order: a kind refers only to kinds listed before it.
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
    "responsibles": responsibles,
    "attendance": attendance,
    "loans": loans,
    "school-conditions": conditions,
    "projects": projects,
    "recruitment": recruitment,
    "training": training,
    "honours": honours,
    "travel-times": travel,
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

    @property
    def errors(self) -> int:
        return self.log.errors if self.log else 0

    @property
    def warnings(self) -> int:
        return self.log.warnings if self.log else 0

    @property
    def ok(self) -> bool:
        if self.outcome == ImportRun.Outcome.DRY_RUN:
            return self.errors == 0
        return self.outcome in (ImportRun.Outcome.IMPORTED, ImportRun.Outcome.PARTIAL)

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
    progress: Progress | None = None,
) -> ImportResult:
    if kind not in HANDLERS:
        raise ValueError(f"unknown import kind {kind!r}; kinds: {', '.join(KINDS)}")
    say: Progress = progress or (lambda _stage, _done, _total: None)
    name = display_name or path.name
    log = IssueLog(name)
    result = ImportResult(kind, name, ImportRun.Outcome.REFUSED, log=log)
    started = timezone.now()
    say("reading", 0, None)
    try:
        plan = _plan(kind, path, name, log, layout, started, acting_user, term)
        if plan is not None:
            _run(plan, result, say, dry_run=dry_run, partial=partial)
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


@dataclass
class Plan:
    """A file whose header has been understood, ready to be checked and written batch by batch."""

    handler: Any
    ctx: ImportContext
    spec: Any
    match: HeaderMatch
    layout: Layout | None
    source: TableSource


def _plan(
    kind: str,
    path: Path,
    name: str,
    log: IssueLog,
    layout_name: str | None,
    started: Any,
    acting_user: Any,
    term_code: str | None,
) -> Plan | None:
    spec = kinds()[kind]
    layout = layouts().get(layout_name) if layout_name else None
    if layout_name and layout is None:
        log.add_file_issue(f"未知的版式“{layout_name}”", f"unknown layout '{layout_name}'")
        return None
    try:
        source = open_table(path, name)
    except TableError as exc:
        log.add_file_issue(exc.reason_zh, exc.reason_en)
        return None
    head = source.head.frame
    match = match_headers(head, spec, layout)
    if match.missing:
        _refuse_missing_columns(kind, head, match.missing, spec, log)
        return None
    for text in match.ignored:
        log.add_file_issue(
            f"未识别的列“{text}”已忽略", f"unrecognised column '{text}' ignored", text, "warning"
        )
    for text in match.duplicated:
        log.add_file_issue(
            f"重复的列“{text}”已忽略", f"duplicate column '{text}' ignored", text, "warning"
        )
    ctx = ImportContext(
        kind=kind, log=log, titles=match.titles, started_at=started, acting_user=acting_user
    )
    if kind in students.TERM_KINDS:
        ctx.term_code = students.check_term_code(term_code, log)
        if ctx.term_code is None:
            return None
    return Plan(HANDLERS[kind], ctx, spec, match, layout, source)


def _batches(plan: Plan) -> Iterator[pl.DataFrame]:
    """The data rows, batch by batch, with spreadsheet row numbers that run on across batches."""
    head = plan.source.head.frame
    yield select_fields(head, plan.match)
    next_row = head.height + 1
    for raw in plan.source.rest:
        yield select_fields(raw, plan.match, first_row=next_row, header=False)
        next_row += raw.height


def _run(plan: Plan, result: ImportResult, say: Progress, *, dry_run: bool, partial: bool) -> None:
    """Check every batch; write each while the file is clean (or ``partial``), all in one transaction,
    which is rolled back if the file turns out to have errors, or for a dry run."""
    ctx, log = plan.ctx, plan.ctx.log
    total = None if plan.source.streamed else plan.source.head.frame.height - plan.match.header_row
    seen = KeyTracker(getattr(plan.handler, "NATURAL_KEY", ()), ctx)
    try:
        with transaction.atomic(), db.bulk_session():
            for frame in _batches(plan):
                if frame.height == 0:
                    continue
                frame = parse_fields(
                    frame, plan.spec, plan.match, log, strict_ids=plan.handler.STRICT_IDS
                )
                if plan.layout:
                    frame = frame.with_columns(
                        pl.col(k).fill_null(pl.lit(v)) for k, v in plan.layout.defaults.items()
                    )
                frame = seen.check(plan.handler.prepare(frame, ctx))
                result.rows += frame.height
                say("checking", result.rows, total)
                if log.errors and not partial:
                    continue
                if partial:
                    frame = frame.filter(~pl.col("_row").is_in(list(log.bad_rows())))
                if frame.height:
                    result.counts += plan.handler.write(frame, ctx)
                    db.flush()
                    say("writing", result.rows, total)
            if result.rows == 0:
                log.add_file_issue("文件中没有数据行", "the file has a header but no data rows")
            if dry_run or (log.errors and not partial) or result.rows == 0:
                raise ImportRefused
    except ImportRefused:
        if dry_run and result.rows:
            result.outcome = ImportRun.Outcome.DRY_RUN
        else:
            result.counts = db.Counts()
        return
    result.outcome = ImportRun.Outcome.PARTIAL if log.errors else ImportRun.Outcome.IMPORTED


class KeyTracker:
    """Rows that repeat a natural key of an earlier batch (within a batch, the kind's own checks see it)."""

    def __init__(self, columns: Sequence[str], ctx: ImportContext) -> None:
        self.columns = list(columns)
        self.ctx = ctx
        self.seen: set[str] = set()

    def check(self, frame: pl.DataFrame) -> pl.DataFrame:
        if not self.columns:
            return frame
        key = pl.concat_str([pl.col(c).cast(pl.String) for c in self.columns], separator="|")
        keys = frame.select(key.alias("k"))["k"]
        repeated = (
            keys.is_in(list(self.seen))
            if self.seen
            else pl.Series([False] * frame.height, dtype=pl.Boolean)
        )
        title = self.ctx.title(self.columns[0])
        self.ctx.log.add(
            frame,
            repeated,
            title,
            None,
            "与文件中前面的行重复",
            "repeats an earlier row of the file",
        )
        self.seen.update(k for k in keys.to_list() if k is not None)
        return frame


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
