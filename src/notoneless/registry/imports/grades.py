"""Grades as real rosters write them: 小班/中班/大班, 一年级…九年级, 七年级 = 初一, 高一…高三, and numbers.

A grade alone does not always tell the stage (一年级 in a vocational school is its first year), so the parser
returns a hint and a number, and the stage is settled against the school's type.
"""

from __future__ import annotations

import re

CHINESE_NUMBERS = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "十一": 11,
    "十二": 12,
}
PRESCHOOL = {"小班": 1, "中班": 2, "大班": 3, "学前班": 3, "托班": 1}
_PATTERNS = [
    (re.compile(r"^初中?([一二三123])(?:年级)?$"), "compulsory", 6),
    (re.compile(r"^高中?([一二三123])(?:年级)?$"), "senior", 0),
    (re.compile(r"^(?:中职|职高|职)([一二三123])(?:年级)?$"), "vocational", 0),
    (re.compile(r"^([一二三四五六七八九十]|十一|十二|\d{1,2})年级$"), "", 0),
    (re.compile(r"^(\d{1,2})$"), "", 0),
]


def _number(text: str) -> int:
    return int(text) if text.isdigit() else CHINESE_NUMBERS[text]


def parse_grade(raw: str) -> tuple[str, int] | None:
    """(hint, number) with hint '' when the school must decide; None when unreadable."""
    text = raw.strip().replace(" ", "")
    if text in PRESCHOOL:
        return "preschool", PRESCHOOL[text]
    for pattern, hint, offset in _PATTERNS:
        match = pattern.match(text)
        if match:
            number = _number(match.group(1)) + offset
            if hint == "" and number >= 10:
                return ("senior", number - 9) if number <= 12 else None
            if hint == "compulsory":
                return "", number
            return (hint, number) if 1 <= number <= 12 else None
    return None


def settle_stage(hint: str, number: int, school_type: str) -> tuple[str, int] | None:
    """The stage and the grade within it, given the school type; None when they cannot agree."""
    if hint == "preschool":
        return ("preschool", number) if number <= 3 else None
    if hint in ("senior", "vocational"):
        stage = "vocational" if school_type == "vocational" else hint
        return (stage, number) if number <= 3 else None
    if school_type == "vocational":
        return ("vocational", number) if number <= 3 else None
    if school_type == "kindergarten":
        return ("preschool", number) if number <= 3 else None
    if school_type == "senior":
        return ("senior", number) if number <= 3 else None
    if 1 <= number <= 6:
        return "primary", number
    if 7 <= number <= 9:
        return "junior", number
    return None
