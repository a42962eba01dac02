from __future__ import annotations

import pytest

from notoneless.lib.protect import mask_id_number
from web.county import County


def _get(county: County, persona: str, name: str) -> int:
    student = county.student(name)
    return county.client(persona).get(f"/students/{student.pk}/").status_code


def test_school_officer_cannot_see_student_of_another_school(county: County) -> None:
    assert _get(county, "officer_a", "王芳") == 404
    assert _get(county, "officer_b", "张伟") == 404


def test_central_school_officer_sees_students_of_its_teaching_point(county: County) -> None:
    assert _get(county, "officer_a", "李娜") == 200


def test_teacher_sees_students_of_their_school_only(county: County) -> None:
    assert _get(county, "teacher_a", "张伟") == 200
    assert _get(county, "teacher_a", "刘洋") == 404


@pytest.mark.parametrize("name", ["刘洋", "赵磊"])
def test_township_officer_sees_a_child_of_its_villages_at_another_townships_school(
    county: County, name: str
) -> None:
    assert _get(county, "township_a", name) == 200


def test_township_officer_cannot_see_a_child_of_another_township(county: County) -> None:
    assert _get(county, "township_a", "王芳") == 404


def test_student_detail_shows_masked_values_and_the_enrolment(county: County) -> None:
    student = county.student("赵磊")
    html = county.client("township_a").get(f"/students/{student.pk}/").content.decode()
    id_number = county.id_number("赵磊")
    assert mask_id_number(id_number) in html
    assert id_number not in html
    assert "上盐湾镇中心小学" in html and "H002" in html


def test_student_detail_runs_a_fixed_number_of_queries(
    county: County, django_assert_max_num_queries
) -> None:
    student = county.student("张伟")
    client = county.client("officer_a")
    with django_assert_max_num_queries(13):
        assert client.get(f"/students/{student.pk}/").status_code == 200
