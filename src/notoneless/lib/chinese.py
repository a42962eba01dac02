"""Dates, grades and blanks as printed documents write them in Chinese."""

from __future__ import annotations

from datetime import date

__all__ = ["BLANK", "chinese_date", "grade_label"]

PRESCHOOL_GRADES = {1: "小班", 2: "中班", 3: "大班"}
NUMERALS = "一二三四五六七八九"
BLANK = "＿" * 10  # a line to fill in by hand


def chinese_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def grade_label(stage: str, grade: int) -> str:
    """小班 … 大班, 一年级 … 九年级, 高一 … 高三, 中职一年级 … 中职三年级."""
    if stage == "preschool":
        return PRESCHOOL_GRADES.get(grade, f"学前{grade}年")
    if stage == "senior" and 1 <= grade <= 3:
        return f"高{NUMERALS[grade - 1]}"
    if stage == "vocational" and 1 <= grade <= 3:
        return f"中职{NUMERALS[grade - 1]}年级"
    if 1 <= grade <= 9:
        return f"{NUMERALS[grade - 1]}年级"
    return str(grade)
