"""Build the project's subset CJK font from Noto Sans CJK (SIL OFL 1.1).

Reads the Simplified Chinese face of Debian's ``fonts-noto-cjk`` collections and writes, for each
weight, a TrueType-outline ``.ttf`` for PDFs (fpdf2 embeds TrueType outlines in every 2.x version;
CID-keyed CFF only from 2.8.6) and, when ``brotli`` is importable, a ``.woff2`` for web pages.

The character set: ASCII, Latin-1 Supplement, General Punctuation, CJK Symbols and Punctuation,
Halfwidth and Fullwidth Forms, every character of GB 2312 (6,763 hanzi and 682 symbols, found by
decoding every GB 2312 code point), and a few extras (¥ 元 · and characters of the project's data
that GB 2312 lacks). Re-run it (see ``src/notoneless/lib/fonts/README.md``)::

    cd /tmp && apt-get download fonts-noto-cjk && dpkg-deb -x fonts-noto-cjk_*.deb noto
    cd /work/main && uv run --with brotli python scripts/subset_font.py \\
        /tmp/noto/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc \\
        /tmp/noto/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc
"""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

ROOT = Path(__file__).resolve().parent.parent
PDF_DIR = ROOT / "src" / "notoneless" / "lib" / "fonts"
WEB_DIR = ROOT / "src" / "notoneless" / "web" / "static" / "fonts"
SC_FACE = "NotoSansCJKsc"  # PostScript-name prefix of the Simplified Chinese face in the collection
OUT_NAME = "NotoSansSC-Subset-{weight}"
BLOCKS = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 Supplement (¥ · × ÷ § ° ± …)
    (0x2010, 0x2027),  # General Punctuation: dashes, quotes “” ‘’, bullet, ellipsis
    (0x2030, 0x203B),  # ‰ ′ ″ ※
    (0x3000, 0x303F),  # CJK Symbols and Punctuation
    (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms
]
# ¥ 元 · as asked for, plus characters used by the project's data that GB 2312 lacks (Shaanxi place
# names: 坬 墕; given names: 喆 堃 昇 珺 玥 赟 镕 彧 淏 犇), and marks used in tables.
EXTRAS = "¥元·喆坬墕堃昇珺玥赟镕彧淏犇✓•▶€№℃"
MAX_ERR = 1.0  # cubic → quadratic tolerance in font units (1/1000 em)


def gb2312_chars() -> set[str]:
    """Every character GB 2312 encodes: rows 0xA1–0xF7, cells 0xA1–0xFE."""
    chars = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.add(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def wanted_codepoints() -> set[int]:
    points = {cp for lo, hi in BLOCKS for cp in range(lo, hi + 1)}
    return points | {ord(c) for c in gb2312_chars()} | {ord(c) for c in EXTRAS}


def open_sc_face(path: Path) -> TTFont:
    """The Simplified Chinese face of a .ttc collection, or the font of a single .otf/.ttf."""
    if path.suffix.lower() not in (".ttc", ".otc"):
        return TTFont(path, recalcTimestamp=False)
    for number in range(len(TTCollection(path, lazy=True).fonts)):
        font = TTFont(path, fontNumber=number, recalcTimestamp=False)  # same input, same bytes
        if font["name"].getDebugName(6).startswith(SC_FACE + "-"):
            return font
    raise SystemExit(f"{path}: no {SC_FACE} face in the collection")


def subset_font(font: TTFont, codepoints: set[int]) -> None:
    options = subset.Options()
    options.layout_features = ["kern", "palt"]  # no shaping in fpdf2; keep Latin kerning
    options.name_IDs = ["*"]  # keep copyright, licence and trademark records
    options.notdef_outline = True
    options.desubroutinize = True
    options.hinting = False
    options.drop_tables += ["BASE", "VORG", "vhea", "vmtx", "DSIG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints)
    subsetter.subset(font)


def cff_to_glyf(font: TTFont) -> None:
    """Replace CFF outlines by TrueType quadratic ones (the otf2ttf approach of fontTools' snippets)."""
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERR, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    del font["CFF "]
    font["maxp"] = _maxp_v1(font)
    font["post"].formatType = 3.0  # no glyph names: CID names ("cid01234") carry nothing
    font["post"].extraNames = []
    font["post"].mapping = {}
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def _maxp_v1(font: TTFont) -> object:
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    maxp.maxComponentDepth = 0
    return maxp


def build(source: Path, weight: str, codepoints: set[int], woff2: bool) -> list[Path]:
    font = open_sc_face(source)
    subset_font(font, codepoints)
    written = []
    if woff2:
        web = WEB_DIR / f"{OUT_NAME.format(weight=weight)}.woff2"
        font.flavor = "woff2"
        font.save(web)
        font.flavor = None
        written.append(web)
    cff_to_glyf(font)
    ttf = PDF_DIR / f"{OUT_NAME.format(weight=weight)}.ttf"
    font.save(ttf)
    return [ttf, *written]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("regular", type=Path, help="NotoSansCJK-Regular.ttc (or an SC .otf)")
    parser.add_argument("bold", type=Path, nargs="?", help="NotoSansCJK-Bold.ttc (optional)")
    args = parser.parse_args()
    woff2 = importlib.util.find_spec("brotli") is not None
    if not woff2:
        print("brotli is not installed: skipping WOFF2 (run with `uv run --with brotli`)")
    codepoints = wanted_codepoints()
    print(f"{len(codepoints)} code points, {len(gb2312_chars())} from GB 2312")
    PDF_DIR.mkdir(parents=True, exist_ok=True)
    WEB_DIR.mkdir(parents=True, exist_ok=True)
    for weight, source in (("Regular", args.regular), ("Bold", args.bold)):
        if source is not None:
            for path in build(source, weight, codepoints, woff2):
                print(f"{path.relative_to(ROOT)}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
