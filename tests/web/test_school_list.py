from __future__ import annotations

import re

import pytest

from web.county import POINT_A, SCHOOL_A, SCHOOL_B, County

ALL = {SCHOOL_A, POINT_A, SCHOOL_B}


def _listed_codes(html: str) -> set[str]:
    return set(re.findall(r'data-label="学校标识码">(\d{10})<', html))


@pytest.mark.parametrize(
    ("persona", "codes"),
    [
        ("county_admin", ALL),
        ("aid_officer", ALL),
        ("auditor", ALL),
        ("officer_a", {SCHOOL_A, POINT_A}),
        ("teacher_a", {SCHOOL_A, POINT_A}),
        ("officer_b", {SCHOOL_B}),
        ("township_a", {SCHOOL_A, POINT_A}),
    ],
)
def test_each_role_lists_only_the_schools_in_its_scope(
    county: County, persona: str, codes: set[str]
) -> None:
    response = county.client(persona).get("/schools/")
    assert response.status_code == 200
    assert _listed_codes(response.content.decode()) == codes


def test_school_list_shows_township_type_and_students_this_term(county: County) -> None:
    html = county.client("county_admin").get("/schools/").content.decode()
    row = html[html.index("上盐湾镇中心小学") :].split("</tr>")[0]
    assert "上盐湾镇" in row and "小学" in row
    assert re.search(r'data-label="学生数" class="num">3<', row)
    point = html[html.index(f">{POINT_A}<") :].split("</tr>")[0]
    assert re.search(r'data-label="所属中心校">鱼河镇中心小学<', point)


@pytest.mark.parametrize("persona", ["county_admin", "officer_a", "township_a"])
def test_school_list_runs_a_fixed_number_of_queries(
    county: County, persona: str, django_assert_max_num_queries
) -> None:
    client = county.client(persona)
    with django_assert_max_num_queries(11):
        assert client.get("/schools/").status_code == 200
