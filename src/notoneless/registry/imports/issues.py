"""Problems found in an import file: every bad row at once, with row, column, value and reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

ISSUE_SCHEMA = {
    "row": pl.Int64,
    "column": pl.String,
    "value": pl.String,
    "severity": pl.String,
    "reason_zh": pl.String,
    "reason_en": pl.String,
}
ERROR, WARNING = "error", "warning"


@dataclass
class IssueLog:
    file_name: str
    parts: list[pl.DataFrame] = field(default_factory=list)

    def add(
        self,
        frame: pl.DataFrame,
        mask: pl.Series | pl.Expr,
        column: str,
        values: pl.Series | pl.Expr | None,
        reason_zh: str,
        reason_en: str,
        severity: str = ERROR,
    ) -> None:
        """Record one issue for every row of ``frame`` where ``mask`` holds."""
        value_expr = pl.lit(None, dtype=pl.String) if values is None else values
        picked = frame.filter(mask)
        if picked.height == 0:
            return
        picked = picked.with_columns(_v=value_expr)
        if picked.height == 0:
            return
        self.parts.append(
            picked.select(
                pl.col("_row").cast(pl.Int64).alias("row"),
                pl.lit(column).alias("column"),
                pl.col("_v").cast(pl.String).alias("value"),
                pl.lit(severity).alias("severity"),
                pl.lit(reason_zh).alias("reason_zh"),
                pl.lit(reason_en).alias("reason_en"),
            )
        )

    def add_file_issue(
        self, reason_zh: str, reason_en: str, column: str = "", severity: str = ERROR
    ) -> None:
        self.parts.append(
            pl.DataFrame(
                [
                    {
                        "row": None,
                        "column": column,
                        "value": None,
                        "severity": severity,
                        "reason_zh": reason_zh,
                        "reason_en": reason_en,
                    }
                ],
                schema=ISSUE_SCHEMA,
            )
        )

    def frame(self) -> pl.DataFrame:
        if not self.parts:
            return pl.DataFrame(schema=ISSUE_SCHEMA)
        return pl.concat(self.parts).sort("row", "column", nulls_last=False)

    def count(self, severity: str) -> int:
        return sum(p.filter(pl.col("severity") == severity).height for p in self.parts)

    @property
    def errors(self) -> int:
        return self.count(ERROR)

    @property
    def warnings(self) -> int:
        return self.count(WARNING)

    def bad_rows(self) -> set[int]:
        rows: set[int] = set()
        for part in self.parts:
            rows.update(
                r
                for r in part.filter(pl.col("severity") == ERROR)["row"].to_list()
                if r is not None
            )
        return rows

    def has_file_error(self) -> bool:
        return any(
            p.filter((pl.col("severity") == ERROR) & pl.col("row").is_null()).height
            for p in self.parts
        )


def write_error_workbook(log: IssueLog, path: Path) -> None:
    """The issues as a workbook a clerk can read, fix the source rows by, and re-import."""
    import xlsxwriter

    frame = log.frame()
    workbook = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "strings_to_formulas": False}
    )
    sheet = workbook.add_worksheet("问题 issues")
    bold = workbook.add_format({"bold": True, "bg_color": "#F2F2F2"})
    headers = [
        "文件 file",
        "行 row",
        "列 column",
        "值 value (masked)",
        "级别 severity",
        "原因",
        "reason",
    ]
    for col, text in enumerate(headers):
        sheet.write_string(0, col, text, bold)
    sheet.set_column(0, 0, 24)
    sheet.set_column(2, 3, 18)
    sheet.set_column(5, 6, 48)
    for i, issue in enumerate(frame.iter_rows(named=True), start=1):
        sheet.write_string(i, 0, log.file_name)
        if issue["row"] is not None:
            sheet.write_number(i, 1, issue["row"])
        sheet.write_string(i, 2, issue["column"] or "")
        sheet.write_string(i, 3, issue["value"] or "")
        sheet.write_string(i, 4, "错误 error" if issue["severity"] == ERROR else "提示 warning")
        sheet.write_string(i, 5, issue["reason_zh"])
        sheet.write_string(i, 6, issue["reason_en"])
    sheet.freeze_panes(1, 0)
    workbook.close()
