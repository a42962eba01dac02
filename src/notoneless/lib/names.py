"""Chinese names, without Django: simplified form once at import, and pinyin keys for finding candidates.

Pinyin finds candidates but never proves identity (张伟, 张玮 and 章伟 all read "zhang wei"). The default
readings of some surnames are wrong, so the first character of a name carries every reading it may have.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Any

SURNAME_READINGS = {
    "曾": "zeng|ceng",
    "单": "shan|dan",
    "解": "xie|jie",
    "仇": "qiu|chou",
    "朴": "piao|pu",
    "查": "zha|cha",
    "盖": "ge|gai",
    "区": "ou|qu",
    "尉": "yu|wei",
    "万": "wan|mo",
    "乐": "yue|le",
    "覃": "qin|tan",
    "缪": "miao|mou",
    "燕": "yan",
    "翟": "zhai|di",
    "臧": "zang",
}
_STRIP = re.compile(r"[\s·•・.\u3000]")
COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "诸葛",
    "上官",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "令狐",
    "慕容",
    "长孙",
    "宇文",
)


@cache
def _converter() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(texts: Sequence[str]) -> list[str]:
    """Traditional to simplified in one call for a whole column (much faster than one call per name)."""
    if not texts:
        return []
    joined = "\n".join(t.replace("\n", " ") for t in texts)
    out = _converter().convert(joined).split("\n")
    assert len(out) == len(texts)
    return out


def normalise_names(names: Sequence[str | None]) -> list[str]:
    """Simplified characters, no spaces or middle dots; the original is kept by the caller."""
    cleaned = [_STRIP.sub("", n) if n else "" for n in names]
    return to_simplified(cleaned)


@cache
def _char_readings(char: str) -> str:
    from pypinyin import Style, pinyin

    readings = pinyin(char, style=Style.NORMAL, heteronym=False, errors="default")
    return readings[0][0] if readings and readings[0] else char


def name_pinyin(name: str) -> str:
    """Space-separated syllables; the surname carries all its readings joined by '|'."""
    if not name:
        return ""
    syllables = [_char_readings(c) for c in name]
    if name[0] in SURNAME_READINGS and not name.startswith(COMPOUND_SURNAMES):
        syllables[0] = SURNAME_READINGS[name[0]]
    return " ".join(syllables)


def names_pinyin(names: Sequence[str]) -> list[str]:
    return [name_pinyin(n) for n in names]
