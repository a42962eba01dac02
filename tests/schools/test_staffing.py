"""Staffing against the norm: teachers required by students per teacher (at least a floor per class
in village schools), and the specialist lessons each school's own staff leave open, class by class."""

from __future__ import annotations

import pytest

from notoneless.schools import frames, staffing
from schools.county import J1, N1, P1, T1, County

pytestmark = pytest.mark.django_db


def _school(report: staffing.StaffingReport, code: str) -> dict:
    return report.schools.filter(report.schools["code"] == code).row(0, named=True)


def _open(code: str, subject: str) -> dict[int, int]:
    rows = staffing.open_lessons(frames.autumn_term(2020))
    school = frames.schools().filter(frames.schools()["code"] == code)["school_id"][0]
    picked = rows.filter((rows["school_id"] == school) & (rows["subject"] == subject))
    return dict(zip(picked["grade"].to_list(), picked["open"].to_list(), strict=True))


def test_required_teachers_follow_the_ratio_and_the_class_floor_in_villages(county: County) -> None:
    report = staffing.build(frames.autumn_term(2020))
    p1 = _school(report, P1)  # town: 100 pupils at 19 per teacher
    assert p1["required"] == pytest.approx(100 / 19)
    assert p1["teachers"] == 7  # the 教辅 post does not count
    n1 = _school(report, N1)  # village: 50/19 + 40/13.5 = 5.6, but 7 classes need 7
    assert n1["by_ratio"] == pytest.approx(50 / 19 + 40 / 13.5)
    assert n1["required"] == pytest.approx(7.0) and n1["vacancies"] == 7 - 3
    t1 = _school(report, T1)  # three classes of four pupils: three teachers, one there
    assert t1["required"] == pytest.approx(3.0) and t1["vacancies"] == 2


def test_own_specialists_cover_the_upper_grades_first_and_leave_the_rest_open(
    county: County,
) -> None:
    # P1 needs 4+4+3+3+3 = 17 PE lessons; its PE teacher gives 16: grades 5, 4, 3, 2 and 3 of grade 1
    assert _open(P1, "体育") == {1: 1}
    # music: 2 a grade, 10 in all, within the music teacher's 16
    assert _open(P1, "音乐") == {}
    # art: the itinerant art teacher keeps 4 lessons for the base: grades 5 and 4 are covered
    assert _open(P1, "美术") == {1: 2, 2: 2, 3: 2}
    # IT from grade 3, nobody teaches it
    assert _open(P1, "信息技术") == {3: 1, 4: 1, 5: 1}


def test_the_specialist_shortfall_is_in_full_time_teachers(county: County) -> None:
    report = staffing.build(frames.autumn_term(2020))
    rows = report.subjects.filter(report.subjects["code"] == J1).to_dicts()
    pe = next(r for r in rows if r["subject"] == "体育")
    # junior: 3 PE lessons in each of grades 7-9 = 9; the itinerant PE teacher keeps 4 at base
    assert pe["needed"] == 9 and pe["capacity"] == pytest.approx(4) and pe["open_lessons"] == 5
    assert pe["needed_fte"] == pytest.approx(9 / 14)
    assert pe["shortfall_fte"] == pytest.approx(9 / 14 - 4 / 14)
    assert report.totals()["open_lessons"] == int(report.subjects["open_lessons"].sum())
