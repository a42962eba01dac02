from __future__ import annotations

import pytest

from web.county import POINT_A, SCHOOL_A, SCHOOL_B, County


def _get(county: County, persona: str, code: str) -> int:
    school = county.school(code)
    return county.client(persona).get(f"/schools/{school.pk}/").status_code


def test_school_officer_cannot_see_other_school(county: County) -> None:
    assert _get(county, "officer_a", SCHOOL_B) == 404
    assert _get(county, "officer_b", SCHOOL_A) == 404


def test_other_schools_officer_cannot_see_a_teaching_point(county: County) -> None:
    assert _get(county, "officer_b", POINT_A) == 404


@pytest.mark.parametrize("persona", ["officer_a", "teacher_a", "township_a"])
def test_central_school_staff_and_township_see_the_teaching_point(
    county: County, persona: str
) -> None:
    assert _get(county, persona, POINT_A) == 200


def test_township_officer_cannot_see_a_school_of_another_township(county: County) -> None:
    # Children of township A study at school B; that does not open school B to township A.
    assert _get(county, "township_a", SCHOOL_B) == 404


@pytest.mark.parametrize("persona", ["county_admin", "aid_officer", "auditor"])
def test_county_roles_see_every_school(county: County, persona: str) -> None:
    assert {_get(county, persona, code) for code in (SCHOOL_A, POINT_A, SCHOOL_B)} == {200}


def test_a_school_that_does_not_exist_is_not_found(county: County) -> None:
    assert county.client("county_admin").get("/schools/999999/").status_code == 404


def test_school_detail_counts_students_by_grade_and_lists_teaching_points(county: County) -> None:
    school = county.school(SCHOOL_A)
    html = county.client("officer_a").get(f"/schools/{school.pk}/").content.decode()
    assert "鱼河镇中心小学" in html
    assert "王沙沟教学点" in html  # its teaching point
    assert "在校" in html  # enrolment status
