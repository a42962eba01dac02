import io
import re
from datetime import datetime

import pytest
from pypdf import PdfReader

from notoneless.lib.pdf import FONT_FILES, Column, Document

NAMES = ["张伟", "欧阳建国", "王喆", "李娜"]
COLUMNS = [
    Column("序号", 15, numeric=True),
    Column("姓名", 35),
    Column("村（社区）", 70),
    Column("金额（元）", 30, numeric=True),
]


def _notice(rows: int = 200) -> Document:
    doc = Document("2024年秋季学期生活补助公示", generated_at=datetime(2024, 9, 23, 10, 30))
    doc.heading("一、公示名单", level=2)
    doc.paragraph("公示期为5个工作日。如有异议，请在公示期内向学校资助办公室反映。")
    doc.key_values([("学校", "城关镇中心小学"), ("资助标准", "¥625.00 元／人·学期")])
    doc.table(
        COLUMNS,
        [
            [i + 1, NAMES[i % 4], f"城关镇坬村第{i % 9 + 1}组", f"{625 * (1 + i % 2):,.2f}"]
            for i in range(rows)
        ],
    )
    return doc


@pytest.fixture(scope="module")
def notice_pdf() -> bytes:
    return _notice().to_bytes()


def _reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def test_a_200_row_table_runs_over_several_pages(notice_pdf):
    assert notice_pdf.startswith(b"%PDF-")
    assert len(_reader(notice_pdf).pages) >= 4


def test_the_pdf_embeds_a_subset_of_the_shipped_font(notice_pdf):
    assert b"/FontFile2" in notice_pdf or b"/FontFile3" in notice_pdf
    assert re.search(rb"/[A-Z]{6}\+NotoSansCJKSC", notice_pdf)
    # A subset: the whole document is far smaller than the 2 MB font file.
    assert len(notice_pdf) < FONT_FILES[""].stat().st_size / 10


def test_the_chinese_text_can_be_extracted(notice_pdf):
    reader = _reader(notice_pdf)
    first = reader.pages[0].extract_text()
    assert "2024年秋季学期生活补助公示" in first
    assert "欧阳建国" in first
    assert "城关镇中心小学" in first
    assert "¥625.00" in first


def test_the_table_header_repeats_on_every_page(notice_pdf):
    for page in _reader(notice_pdf).pages:
        assert "金额（元）" in page.extract_text()


def test_the_footer_shows_page_x_of_y_and_when_it_was_generated(notice_pdf):
    reader = _reader(notice_pdf)
    total = len(reader.pages)
    last = reader.pages[-1].extract_text()
    assert f"第 {total} 页 / 共 {total} 页" in last
    assert "生成时间 2024-09-23 10:30" in last


def test_numeric_columns_are_right_aligned():
    doc = Document("对齐")
    doc.table([Column("金额", 40, numeric=True), Column("备注", 40)], [["1.00", "x"]])
    # pypdf reports where each text run starts; "1.00" starts right of the column's middle.
    xs: dict[str, float] = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            xs[text.strip()] = tm[4]

    _reader(doc.to_bytes()).pages[0].extract_text(visitor_text=visit)
    left_margin_pt = 15 / 25.4 * 72
    assert xs["1.00"] > left_margin_pt + 20 / 25.4 * 72


def test_a_table_wider_than_the_page_is_refused():
    with pytest.raises(ValueError, match="wide"):
        Document("宽表").table([Column("a", 100), Column("b", 100)], [])


def test_characters_the_font_lacks_are_reported():
    doc = Document("罕见字")
    doc.paragraph("张三丰")
    assert doc.missing_characters == set()
    doc.key_values([("姓名", "王龘")])
    assert doc.missing_characters == {"龘"}


def test_the_fonts_folder_holds_the_licence_and_its_source():
    folder = FONT_FILES[""].parent
    assert "SIL OPEN FONT LICENSE Version 1.1" in (folder / "OFL.txt").read_text(encoding="utf-8")
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "fonts-noto-cjk" in readme and "scripts/subset_font.py" in readme
    for path in FONT_FILES.values():
        assert path.exists() and path.stat().st_size < 4_000_000
