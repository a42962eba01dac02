"""Importing a file uploaded in the browser: the same ``import_file`` as the CLI, plus what a browser
needs around it: who may import, a cap on what the server keeps of an upload, a safe place on disk
for the file and its error workbook, and the issues in the reader's language.

On disk, under ``MEDIA_ROOT/imports/``: an upload is first saved as ``<random>/<sanitised name>``;
once the import has recorded its ``ImportRun``, the folder becomes ``run-<id>/``, the error workbook
(masked values only), when there are issues, is ``run-<id>/issues.xlsx``, and the uploaded file itself is
deleted: it holds full ID and card numbers in the clear, and the run keeps its name and SHA-256. The
client's file name is only ever shown and recorded, never used as a path.
"""

from __future__ import annotations

import re
import secrets
import shutil
import unicodedata
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.core.paginator import Page, Paginator
from django.http import Http404
from django.utils import timezone

from notoneless.accounts.models import Role
from notoneless.registry import selectors
from notoneless.registry.imports import ImportResult, import_file
from notoneless.registry.imports.issues import write_error_workbook
from notoneless.registry.imports.spec import kinds
from notoneless.registry.imports.students import current_term_code
from notoneless.registry.models import ImportRun

if TYPE_CHECKING:
    from notoneless.accounts.models import User

__all__ = [
    "ALLOWED_SUFFIXES",
    "IMPORT_ROLES",
    "CappedUploadHandler",
    "check_may_import",
    "default_term_code",
    "display_name",
    "format_size",
    "format_size_limit",
    "get_import_run",
    "import_runs",
    "import_saved",
    "kind_description",
    "may_import",
    "safe_file_name",
    "save_upload",
    "workbook_download_name",
    "workbook_for",
]

IMPORT_ROLES = frozenset({Role.COUNTY_ADMIN})
ALLOWED_SUFFIXES = (".xlsx", ".xls", ".csv")
RUNS_PER_PAGE = 50
WORKBOOK = "issues.xlsx"
MTIME_SLACK = 2.0  # seconds: FAT and some network shares store modification times to 2 s
_NAME_MAX = 100
_UNSAFE = re.compile(r"[^\w.()（）-]+")
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)$", re.IGNORECASE)


# --- who may import ------------------------------------------------------------------------------


def may_import(user: User) -> bool:
    """Only county administrators load registers into the system."""
    return bool(user.is_authenticated and user.is_active and user.role in IMPORT_ROLES)


def check_may_import(user: User) -> None:
    """For any other role the import pages do not exist (404), like other pages out of scope."""
    if not may_import(user):
        raise Http404("no such page")


def import_runs(user: User, page: str | int | None = None) -> Page[ImportRun]:
    """The import history, newest first, one page at a time."""
    check_may_import(user)
    runs = ImportRun.objects.select_related("acting_user").order_by("-started_at", "-pk")
    return Paginator(runs, RUNS_PER_PAGE).get_page(page)


def get_import_run(user: User, run_id: int) -> ImportRun:
    check_may_import(user)
    run = ImportRun.objects.filter(pk=run_id).first()
    if run is None:
        raise Http404("no such import")
    return run


def default_term_code() -> str:
    """The term a student register most likely belongs to: the current one, e.g. ``2020-autumn``."""
    term = selectors.current_term()
    return term.code if term else current_term_code(timezone.localdate())


# --- the upload itself ---------------------------------------------------------------------------


class CappedUploadHandler(TemporaryFileUploadHandler):
    """Streams each uploaded file to a temporary file, keeping no more than ``UPLOAD_MAX_BYTES``.

    The parser still counts every byte, so the file's ``size`` is its real size and the form refuses
    it by name and size; the disk never holds more than the cap, however large the upload.
    """

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.kept = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.kept + len(raw_data) <= settings.UPLOAD_MAX_BYTES:
            self.file.write(raw_data)
            self.kept += len(raw_data)
        else:
            self.kept = settings.UPLOAD_MAX_BYTES + 1  # keep nothing more of this file
        return None


def format_size(size: int, other: int | None = None) -> str:
    """``62.3 MB``, ``50 MB``, ``900 KB``; exact bytes when rounding would make it equal ``other``."""
    text = _rounded_size(size)
    if other is not None and size != other and text == _rounded_size(other):
        return f"{size:,} B"
    return text


def format_size_limit() -> str:
    return format_size(settings.UPLOAD_MAX_BYTES)


def _rounded_size(size: int) -> str:
    for unit, scale in (("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} B"


def display_name(upload: UploadedFile) -> str:
    """The client's file name without any folder part or control characters, for screens and logs."""
    name = PurePath(str(upload.name or "").replace("\\", "/")).name
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    return name[:255] or "upload"


def safe_file_name(name: str) -> str:
    """A file name safe on any file system, keeping Chinese letters: ``2020 秋/学籍.xlsx`` → ``学籍.xlsx``."""
    base = PurePath(unicodedata.normalize("NFC", name).replace("\\", "/")).name
    suffix = PurePath(base).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        suffix = ""
    stem = base[: len(base) - len(suffix)] if suffix else base
    stem = _UNSAFE.sub("_", stem).strip("._ ")[:_NAME_MAX] or "upload"
    if _WINDOWS_RESERVED.match(stem):
        stem = f"_{stem}"
    return stem + suffix


def _save(upload: UploadedFile) -> Path:
    """Copy the upload into a fresh folder of its own under ``MEDIA_ROOT/imports``."""
    root = Path(settings.MEDIA_ROOT) / "imports"
    root.mkdir(parents=True, exist_ok=True)
    folder = root / secrets.token_urlsafe(12)
    folder.mkdir(mode=0o700)
    path = folder / safe_file_name(display_name(upload))
    try:
        with path.open("xb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return path


def _run_folder(run_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / f"run-{int(run_id)}"


def _file_as_run(path: Path, run_id: int) -> Path:
    """Rename the upload's folder after its import run; a folder left from a reset database moves aside."""
    target = _run_folder(run_id)
    if target.exists():
        target.rename(target.with_name(f"{target.name}.old-{secrets.token_hex(4)}"))
    path.parent.rename(target)
    return target / path.name


def save_upload(upload: UploadedFile) -> Path:
    """The upload saved under ``MEDIA_ROOT/imports``, in a fresh folder of its own (see above)."""
    return _save(upload)


def import_saved(
    path: Path,
    *,
    kind: str,
    acting_user: User | None,
    display: str,
    term: str | None = None,
    layout: str | None = None,
    dry_run: bool = False,
    partial: bool = False,
    client: str = "",
    progress: Any = None,
) -> ImportResult:
    """Import a saved upload as the CLI would, write its error workbook beside the run, and delete
    the uploaded file (it holds full numbers in the clear)."""
    if not _is_saved_upload(path):
        raise ValueError(f"{path} is not an upload saved by save_upload")
    result = import_file(
        kind,
        path,
        acting_user=acting_user,
        term=term,
        dry_run=dry_run,
        partial=partial,
        layout=layout,
        display_name=display,
        client=client,
        progress=progress,
    )
    if result.import_run_id is not None:
        path = _file_as_run(path, result.import_run_id)
    if result.log is not None and (result.errors or result.warnings):
        write_error_workbook(result.log, path.parent / WORKBOOK)
    path.unlink(missing_ok=True)
    if not any(path.parent.iterdir()):
        path.parent.rmdir()
    return result


def _is_saved_upload(path: Path) -> bool:
    """Only files inside the uploads folder are imported from a job's parameters."""
    root = (Path(settings.MEDIA_ROOT) / "imports").resolve()
    try:
        return path.resolve().parent.parent == root and path.is_file()
    except OSError:
        return False


# --- after the import ----------------------------------------------------------------------------


def workbook_for(run: ImportRun) -> Path | None:
    """The run's error workbook, if the web wrote one for this very run (not for a reused id)."""
    path = _run_folder(run.pk) / WORKBOOK
    try:
        written = path.stat().st_mtime
    except OSError:
        return None
    return path if written >= run.started_at.timestamp() - MTIME_SLACK else None


def kind_description(kind: str) -> str:
    return kinds()[kind].description


def workbook_download_name(run: ImportRun) -> str:
    stem = PurePath(run.file_name).stem or run.kind
    return f"{stem}-问题.xlsx"
