"""Reading a register file (.xlsx, .xls, .csv in UTF-8 or GB18030) into a frame of strings, without Django.

Everything is read as text so that ID numbers keep their leading zeros and 'X'. The format is decided by
the file's first bytes, not its name, so a workbook renamed .csv (or an executable renamed .xlsx) is caught.
"""

from __future__ import annotations

import codecs
import io
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARKERS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))


class TableError(Exception):
    """A file that cannot be read as a table at all. The message names the file and says why."""

    def __init__(self, file_name: str, reason_zh: str, reason_en: str) -> None:
        self.file_name = file_name
        self.reason_zh = reason_zh
        self.reason_en = reason_en
        super().__init__(f"{file_name}: {reason_zh} / {reason_en}")


STREAM_BYTES = 64 * 1024 * 1024
BATCH_ROWS = 500_000


@dataclass
class RawTable:
    """Cells as strings (null for empty), no header interpreted yet; row i is spreadsheet row i + 1."""

    frame: pl.DataFrame
    file_name: str
    file_format: str
    sheet: str | None = None


@dataclass
class TableSource:
    """A table read whole, or a large CSV read in batches: ``head`` first (with the header), then
    ``rest``, each a frame of raw rows with the same columns."""

    head: RawTable
    rest: Iterator[pl.DataFrame]
    streamed: bool = False


def open_table(path: Path, display_name: str | None = None) -> TableSource:
    """Workbooks and ordinary CSVs are read whole; a CSV larger than ``STREAM_BYTES`` (a province's
    roster) is read ``BATCH_ROWS`` at a time, so memory stays bounded whatever the file's size."""
    name = display_name or path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise TableError(
            name, f"无法打开文件：{exc.strerror}", f"cannot open the file: {exc.strerror}"
        ) from exc
    if size <= STREAM_BYTES:
        return TableSource(read_table(path, name), iter(()))
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    if sniff_format(head) != "csv":
        return TableSource(read_table(path, name), iter(()))
    return _stream_csv(path, name, BATCH_ROWS)


def _stream_csv(path: Path, name: str, batch_rows: int) -> TableSource:
    utf8 = path if _is_utf8(path) else _transcode_gb18030(path, name)
    lazy = pl.scan_csv(utf8, has_header=False, infer_schema=False, truncate_ragged_lines=True)
    batches = iter(lazy.collect_batches(chunk_size=batch_rows))
    first = next(batches, None)
    if first is None or first.height == 0:
        raise TableError(name, "文件是空的", "the file is empty")

    def rest() -> Iterator[pl.DataFrame]:
        try:
            for batch in batches:
                yield _strip_cells(_renamed(batch))
        finally:  # also when the import stops early: the generator is closed
            if utf8 != path:
                utf8.unlink(missing_ok=True)

    return TableSource(
        RawTable(_blank_to_null(_renamed(first)), name, "csv"), rest(), streamed=True
    )


def _renamed(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.rename({c: f"c{i}" for i, c in enumerate(frame.columns)})


def _is_utf8(path: Path) -> bool:
    """Judged on the first 16 MB: a GB18030 file's Chinese text shows long before that."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        try:
            decoder.decode(handle.read(16 << 20))
        except UnicodeDecodeError:
            return False
    return True


def _transcode_gb18030(path: Path, name: str) -> Path:
    """Polars reads UTF-8 only: a large GB18030 file is converted to a temporary UTF-8 copy, streaming."""
    out = Path(tempfile.mkstemp(prefix="notoneless-", suffix=".csv")[1])
    try:
        with path.open("r", encoding="gb18030") as src, out.open("w", encoding="utf-8") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    except UnicodeDecodeError as exc:
        out.unlink(missing_ok=True)
        raise TableError(
            name,
            "无法识别文件编码（请用UTF-8或GB18030）",
            "unknown text encoding (use UTF-8 or GB18030)",
        ) from exc
    return out


def sniff_format(head: bytes) -> str:
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        return "ole"
    if b"\x00" in head[:4096] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary"
    return "csv"


def read_table(path: Path, display_name: str | None = None) -> RawTable:
    name = display_name or path.name
    try:
        with path.open("rb") as handle:
            head = handle.read(1 << 16)
    except OSError as exc:
        raise TableError(
            name, f"无法打开文件：{exc.strerror}", f"cannot open the file: {exc.strerror}"
        ) from exc
    if not head.strip():
        raise TableError(name, "文件是空的", "the file is empty")
    kind = sniff_format(head)
    if kind == "ole":
        if any(marker in head for marker in ENCRYPTED_MARKERS) or _ole_is_encrypted(path):
            raise TableError(
                name,
                "工作簿设有密码保护，请取消密码后另存为再导入",
                "the workbook is password-protected: remove the password, save, and import again",
            )
        return _read_workbook(path, name, "xls")
    if kind == "xlsx":
        return _read_workbook(path, name, "xlsx")
    if kind == "binary":
        raise TableError(name, "不是Excel或CSV文件", "not an Excel or CSV file")
    return _read_csv(path, name)


def _ole_is_encrypted(path: Path) -> bool:
    data = path.read_bytes()
    return any(marker in data for marker in ENCRYPTED_MARKERS)


def _read_workbook(path: Path, name: str, file_format: str) -> RawTable:
    import fastexcel

    try:
        reader = fastexcel.read_excel(str(path))
        sheet = reader.load_sheet(0, header_row=None, dtypes="string")
        frame = sheet.to_polars()
    except Exception as exc:  # calamine raises its own error types for damaged or encrypted files
        text = str(exc)
        if "password" in text.lower() or "encrypt" in text.lower():
            raise TableError(
                name, "工作簿设有密码保护，请取消密码后导入", "the workbook is password-protected"
            ) from exc
        raise TableError(
            name, f"无法读取工作簿：{text[:200]}", f"cannot read the workbook: {text[:200]}"
        ) from exc
    frame = frame.rename({c: f"c{i}" for i, c in enumerate(frame.columns)})
    return RawTable(_blank_to_null(frame), name, file_format, reader.sheet_names[0])


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK and GB2312), else refuse."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError(
        name,
        "无法识别文件编码（请用UTF-8或GB18030）",
        "unknown text encoding (use UTF-8 or GB18030)",
    )


def _read_csv(path: Path, name: str) -> RawTable:
    data = path.read_bytes()
    text = decode_text(data, name)
    try:
        frame = pl.read_csv(
            io.StringIO(text),
            has_header=False,
            infer_schema_length=0,
            truncate_ragged_lines=True,
            quote_char='"',
        )
    except pl.exceptions.PolarsError as exc:
        raise TableError(name, f"CSV格式错误：{exc}", f"malformed CSV: {exc}") from exc
    frame = frame.rename({c: f"c{i}" for i, c in enumerate(frame.columns)})
    return RawTable(_blank_to_null(frame), name, "csv")


def _strip_cells(frame: pl.DataFrame) -> pl.DataFrame:
    """Strip every cell (a byte-order mark too); empty strings become null."""
    return frame.with_columns(
        pl.col(c).str.strip_chars(" \t\r\n\u3000\ufeff").replace("", None) for c in frame.columns
    )


def _blank_to_null(frame: pl.DataFrame) -> pl.DataFrame:
    """Strip every cell; empty strings become null. Trailing all-empty rows are dropped."""
    frame = _strip_cells(frame)
    if frame.width == 0:
        return frame
    not_empty = pl.any_horizontal(pl.col(c).is_not_null() for c in frame.columns)
    keep = frame.select(not_empty.alias("k"))["k"]
    rows = keep.arg_true()
    if rows.len() == 0:
        return frame.head(0)
    return frame.head(int(rows[-1]) + 1)
