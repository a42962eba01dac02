"""Importing an uploaded file as a background job: the upload is saved by the page, the job imports
it exactly as ``notoneless import`` would and keeps, for its page, the counts, the first problems
(masked values, both languages) and the run the error workbook belongs to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notoneless.jobs.kinds import JobKind, Progress, register
from notoneless.web import uploads

ISSUES_KEPT = 200  # problems kept for the page; the workbook has them all


def run_import(params: dict[str, Any], acting_user: Any, progress: Progress) -> dict[str, Any]:
    result = uploads.import_saved(
        Path(params["path"]),
        kind=params["kind"],
        acting_user=acting_user,
        display=params["display"],
        term=params.get("term") or None,
        layout=params.get("layout") or None,
        dry_run=bool(params.get("dry_run")),
        partial=bool(params.get("partial")),
        client=params.get("client", ""),
        progress=progress,
    )
    issues = result.log.frame().head(ISSUES_KEPT).to_dicts() if result.log is not None else []
    return {
        "kind": result.kind,
        "kind_label": str(uploads.kind_description(result.kind)),
        "file_name": result.file_name,
        "outcome": result.outcome,
        "rows": result.rows,
        "counts": {
            "created": result.counts.created,
            "updated": result.counts.updated,
            "unchanged": result.counts.unchanged,
        },
        "errors": result.errors,
        "warnings": result.warnings,
        "import_run_id": result.import_run_id,
        "issues": [
            {
                "row": i["row"],
                "column": i["column"] or "",
                "value": i["value"] or "",
                "is_error": i["severity"] == "error",
                "reason_zh": i["reason_zh"] or "",
                "reason_en": i["reason_en"] or "",
            }
            for i in issues
        ],
    }


IMPORT = register(
    JobKind(
        name="import",
        label=_("Import a file"),
        run=run_import,
        may_start=uploads.may_import,
        template="web/_import_outcome.html",
        next_page=lambda _result: (_("Import another file"), reverse("import_upload")),
    )
)
