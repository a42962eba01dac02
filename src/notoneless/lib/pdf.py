"""Printable A4 documents over fpdf2, with Chinese text in the shipped subset font; no Django.

The font is Noto Sans CJK SC cut down to GB 2312 and common punctuation (``lib/fonts/README.md``),
embedded as a subset in every PDF, so no reader needs a system font and nothing is fetched at run time.
A character the font lacks (a rare name character outside GB 2312) would print as nothing: every text
added is checked, and ``missing_characters`` lists such characters so a caller can refuse or warn.

    doc = Document("2024年秋季学期资助公示")  # the title is printed at the top of page 1
    doc.heading("一、公示名单", level=2)
    doc.key_values([("学校", "城关镇中心小学"), ("公示期", "2024-09-23 至 2024-09-27")])
    doc.table([Column("姓名", 30), Column("金额（元）", 30, numeric=True)], [["张三", "625.00"]])
    pdf_bytes = doc.to_bytes()
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from fpdf import FPDF, FontFace
from fpdf.enums import WrapMode, XPos, YPos
from fpdf.fonts import TTFFont

__all__ = ["FONT_FAMILY", "FONT_FILES", "Column", "Document"]

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FAMILY = "NotoSansSC"
FONT_FILES = {
    "": FONT_DIR / "NotoSansSC-Subset-Regular.ttf",
    "B": FONT_DIR / "NotoSansSC-Subset-Bold.ttf",
}
MARGIN = 15.0  # mm
FOOTER_HEIGHT = 12.0
BODY_SIZE = 10.5  # pt, 五号
HEADING_SIZES = {1: 16.0, 2: 13.0, 3: 11.5}
TABLE_SIZE = 9.0
KEY_WIDTH = 35.0
HEADER_FILL = (235, 235, 235)
MUTED = (100, 100, 100)
_NEXT_LINE: dict[str, Any] = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}


@dataclass(frozen=True)
class Column:
    """A table column: header text, width in mm, and whether it holds numbers (right-aligned)."""

    header: str
    width: float
    numeric: bool = False


class _Pdf(FPDF):
    def __init__(self, generated_at: datetime) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.generated_at = generated_at
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=MARGIN + FOOTER_HEIGHT)
        for style, path in FONT_FILES.items():
            self.add_font(FONT_FAMILY, style, path)
        self.set_font(FONT_FAMILY, size=BODY_SIZE)
        font = self.fonts[FONT_FAMILY.lower()]
        assert isinstance(font, TTFFont)
        self.code_points = frozenset(font.cmap)

    def footer(self) -> None:
        self.set_y(-MARGIN - 4)
        self.set_font(FONT_FAMILY, size=8)
        self.set_text_color(*MUTED)
        stamp = f"生成时间 {self.generated_at:%Y-%m-%d %H:%M}"
        self.cell(self.epw / 2, 5, stamp, align="L")
        self.cell(self.epw / 2, 5, f"第 {self.page_no()} 页 / 共 {{nb}} 页", align="R")
        self.set_text_color(0, 0, 0)


class Document:
    """An A4 document built top to bottom, its title printed at the top; ``to_bytes()`` renders it."""

    def __init__(self, title: str, *, generated_at: datetime | None = None) -> None:
        self.title = title
        self.generated_at = generated_at or datetime.now().astimezone()
        self.missing_characters: set[str] = set()
        self._pdf = _Pdf(self.generated_at)
        self._pdf.set_title(title)
        self._pdf.set_lang("zh-CN")
        self._pdf.set_creator("notoneless")
        self._pdf.set_creation_date(self.generated_at)
        self._pdf.add_page()
        self.heading(title, level=1)

    def heading(self, text: str, level: int = 1) -> None:
        """Level 1 is centred (a document title); levels 2 and 3 are section headings."""
        pdf = self._pdf
        self._check(text)
        pdf.set_font(FONT_FAMILY, "B", HEADING_SIZES[level])
        pdf.ln(2 if pdf.get_y() > pdf.t_margin else 0)
        align = "C" if level == 1 else "L"
        height = HEADING_SIZES[level] * 0.55
        pdf.multi_cell(0, height, text, align=align, wrapmode=WrapMode.CHAR, **_NEXT_LINE)
        pdf.ln(2)
        pdf.set_font(FONT_FAMILY, "", BODY_SIZE)

    def paragraph(self, text: str, align: str = "J") -> None:
        """Body text, justified; ``align="R"`` for a signature block."""
        self._check(text)
        self._pdf.set_font(FONT_FAMILY, "", BODY_SIZE)
        self._pdf.multi_cell(0, 6, text, align=align, wrapmode=WrapMode.CHAR, **_NEXT_LINE)
        self._pdf.ln(2)

    def key_values(self, pairs: Iterable[tuple[str, object]]) -> None:
        pdf = self._pdf
        for key, value in pairs:
            self._check(key, _text(value))
            pdf.set_font(FONT_FAMILY, "B", BODY_SIZE)
            pdf.cell(KEY_WIDTH, 6, f"{key}：")
            pdf.set_font(FONT_FAMILY, "", BODY_SIZE)
            pdf.multi_cell(0, 6, _text(value), wrapmode=WrapMode.CHAR, **_NEXT_LINE)
        pdf.ln(2)

    def table(self, columns: Sequence[Column], rows: Iterable[Sequence[object]]) -> None:
        """A table whose header row repeats on every page it runs onto."""
        pdf = self._pdf
        width = sum(c.width for c in columns)
        if width > pdf.epw + 0.01:
            raise ValueError(f"the columns are {width:.0f} mm wide; the page holds {pdf.epw:.0f}")
        self._check(*(c.header for c in columns))
        pdf.set_font(FONT_FAMILY, "", TABLE_SIZE)
        with pdf.table(
            width=width,
            col_widths=[c.width for c in columns],
            text_align=tuple("RIGHT" if c.numeric else "LEFT" for c in columns),
            headings_style=FontFace(emphasis="BOLD", fill_color=HEADER_FILL),
            line_height=TABLE_SIZE * 0.55,
            padding=(0.8, 1.2),
            repeat_headings=1,
            wrapmode=WrapMode.CHAR,
            align="LEFT",
        ) as table:
            table.row([c.header for c in columns])
            for values in rows:
                texts = [_text(v) for v in values]
                self._check(*texts)
                table.row(texts)
        pdf.ln(3)
        pdf.set_font(FONT_FAMILY, "", BODY_SIZE)

    def to_bytes(self) -> bytes:
        return bytes(self._pdf.output())

    def _check(self, *texts: str) -> None:
        known = self._pdf.code_points
        for text in texts:
            self.missing_characters.update(c for c in text if c >= " " and ord(c) not in known)


def _text(value: object) -> str:
    return "" if value is None else str(value)
