"""The scoped selectors: what each role sees, read straight from ``notoneless.registry.selectors``."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.http import Http404

from notoneless.registry import selectors
from web.county import CHILDREN, POINT_A, SCHOOL_A, SCHOOL_B, County, import_csv, students_csv

COUNTY_WIDE = ["county_admin", "aid_officer", "auditor", "superuser"]
SCHOOLS = {
    "officer_a": {SCHOOL_A, POINT_A},
    "teacher_a": {SCHOOL_A, POINT_A},
    "officer_b": {SCHOOL_B},
    "township_a": {SCHOOL_A, POINT_A},
}
STUDENTS = {
    "officer_a": {"张伟", "李娜"},
    "teacher_a": {"张伟", "李娜"},
    "officer_b": {"王芳", "刘洋", "赵磊"},
    "township_a": {"张伟", "李娜", "刘洋", "赵磊"},
}


@pytest.mark.parametrize("persona", COUNTY_WIDE)
def test_county_wide_roles_see_every_school_and_student(county: County, persona: str) -> None:
    user = county.user(persona)
    assert {s.code for s in selectors.schools_for(user)} == {SCHOOL_A, POINT_A, SCHOOL_B}
    assert {s.person.name for s in selectors.students_for(user)} == set(CHILDREN)


@pytest.mark.parametrize("persona", sorted(SCHOOLS))
def test_school_and_township_roles_see_only_their_schools(county: County, persona: str) -> None:
    assert {s.code for s in selectors.schools_for(county.user(persona))} == SCHOOLS[persona]


@pytest.mark.parametrize("persona", sorted(STUDENTS))
def test_school_and_township_roles_see_only_their_students(county: County, persona: str) -> None:
    students = selectors.students_for(county.user(persona))
    assert {s.person.name for s in students} == STUDENTS[persona]


def test_township_officer_sees_persons_of_its_villages_wherever_they_study(county: County) -> None:
    names = {p.name for p in selectors.persons_for(county.user("township_a"))}
    assert names == {"张伟", "李娜", "刘洋", "赵磊"}


def test_school_officer_sees_only_persons_who_are_its_students(county: County) -> None:
    names = {p.name for p in selectors.persons_for(county.user("officer_a"))}
    assert names == {"张伟", "李娜"}


def test_getting_a_student_out_of_scope_raises_not_found(county: County) -> None:
    student = county.student("王芳")
    with pytest.raises(Http404):
        selectors.get_student(county.user("officer_a"), student.pk)
    assert selectors.get_student(county.user("officer_b"), student.pk).pk == student.pk


def test_getting_a_school_out_of_scope_raises_not_found(county: County) -> None:
    with pytest.raises(Http404):
        selectors.get_school(county.user("officer_b"), county.school(SCHOOL_A).pk)


def test_an_inactive_account_sees_nothing(county: County) -> None:
    user = county.user("county_admin")
    user.is_active = False
    assert not selectors.schools_for(user).exists()
    assert not selectors.students_for(user).exists()
    assert selectors.search_students(user, "张") == []


def test_students_for_a_term_without_enrolments_is_empty(county: County) -> None:
    from notoneless.registry.models import Term

    Term.objects.create(
        code="2019-autumn",
        school_year=2019,
        season="autumn",
        start_date="2019-09-01",
        end_date="2020-01-31",
    )
    assert not selectors.students_for(county.user("county_admin"), "2019-autumn").exists()
    assert selectors.students_for(county.user("county_admin"), "2020-autumn").count() == 5


def test_search_results_carry_their_school_this_term(county: County) -> None:
    [student] = selectors.search_students(county.user("township_a"), "刘洋")
    assert [e.school.code for e in student.current_enrollments] == [SCHOOL_B]


def test_a_school_sees_the_students_it_has_this_term_and_the_county_sees_everyone(
    county: County, tmp_path: Path
) -> None:
    # The spring register lists only 张伟: the others have no place this term.
    header, *rows = students_csv().splitlines()
    spring = "\n".join([header, *(row for row in rows if ",张伟," in row)]) + "\n"
    import_csv(tmp_path, "students", spring, county.user("county_admin"), term="2020-spring")
    assert selectors.current_term().code == "2020-spring"  # type: ignore[union-attr]
    assert [s.person.name for s in selectors.search_students(county.user("officer_a"), "张伟")] == [
        "张伟"
    ]
    assert selectors.search_students(county.user("officer_b"), "王芳") == []
    [found] = selectors.search_students(county.user("county_admin"), "王芳")
    assert found.current_enrollments == []
