"""Reading a register file (.xlsx, .xls, .csv in UTF-8 or GB18030) into a frame of strings, without Django.

Everything is read as text so that ID numbers keep their leading zeros and 'X'. The format is decided by
the file's first bytes, not its name, so a workbook renamed .csv (or an executable renamed .xlsx) is caught.
"""

from __future__ import annotations

import io
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


@dataclass
class RawTable:
    """Cells as strings (null for empty), no header interpreted yet; row i is spreadsheet row i + 1."""

    frame: pl.DataFrame
    file_name: str
    file_format: str
    sheet: str | None = None


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


def _blank_to_null(frame: pl.DataFrame) -> pl.DataFrame:
    """Strip every cell; empty strings become null. Trailing all-empty rows are dropped."""
    frame = frame.with_columns(pl.col(c).str.strip_chars().replace("", None) for c in frame.columns)
    if frame.width == 0:
        return frame
    not_empty = pl.any_horizontal(pl.col(c).is_not_null() for c in frame.columns)
    keep = frame.select(not_empty.alias("k"))["k"]
    rows = keep.arg_true()
    if rows.len() == 0:
        return frame.head(0)
    return frame.head(int(rows[-1]) + 1)
