from __future__ import annotations

import re

import pytest

from notoneless.lib.protect import mask_id_number
from web.county import CHILDREN, County


def _found(county: County, persona: str, query: str) -> set[str]:
    response = county.client(persona).get("/students/", {"q": query})
    assert response.status_code == 200
    return set(re.findall(r'<a href="/students/\d+/">([^<]+)</a>', response.content.decode()))


def test_search_by_name_finds_students_in_scope(county: County) -> None:
    assert _found(county, "county_admin", "张伟") == {"张伟"}
    assert _found(county, "officer_a", "张") == {"张伟"}


def test_search_by_traditional_characters_finds_the_simplified_name(county: County) -> None:
    assert _found(county, "county_admin", "張偉") == {"张伟"}


def test_search_by_full_id_number_lower_case_x_and_full_width_digits(county: County) -> None:
    id_number = county.id_number("王芳")
    assert _found(county, "county_admin", id_number) == {"王芳"}
    full_width = id_number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert _found(county, "county_admin", full_width.lower()) == {"王芳"}


def test_search_by_student_number(county: County) -> None:
    assert _found(county, "county_admin", "G" + county.id_number("刘洋")) == {"刘洋"}


@pytest.mark.parametrize("digits", [4, 5, 6])
def test_search_by_the_last_digits_of_the_id(county: County, digits: int) -> None:
    assert "李娜" in _found(county, "county_admin", county.id_number("李娜")[-digits:])


def test_search_by_last_digits_keeps_only_ids_that_end_with_them(county: County) -> None:
    id_number = county.id_number("李娜")
    wrong_sixth = str((int(id_number[-6]) + 1) % 10) + id_number[-5:]
    assert "李娜" not in _found(county, "county_admin", wrong_sixth)


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("officer_a", {"张伟", "李娜"}),
        ("teacher_a", {"张伟", "李娜"}),
        ("officer_b", {"王芳", "刘洋", "赵磊"}),
        ("township_a", {"张伟", "李娜", "刘洋", "赵磊"}),
        ("auditor", set(CHILDREN)),
    ],
)
def test_search_never_returns_out_of_scope_students(
    county: County, persona: str, visible: set[str]
) -> None:
    for name in CHILDREN:
        id_number = county.id_number(name)
        for query in (name, id_number, "G" + id_number, id_number[-4:], id_number[-6:]):
            found = _found(county, persona, query)
            assert found <= visible, (query, found)
            assert (name in found) is (name in visible), (query, found)


def test_township_officer_finds_children_of_its_villages_studying_in_another_township(
    county: County,
) -> None:
    assert _found(county, "township_a", "刘洋") == {"刘洋"}  # hukou village in township A
    assert _found(county, "township_a", "赵磊") == {"赵磊"}  # household village in township A
    assert _found(county, "township_a", "王芳") == set()


def test_results_show_masked_values_never_the_full_id(county: County) -> None:
    id_number = county.id_number("张伟")
    html = county.client("county_admin").get("/students/", {"q": "张伟"}).content.decode()
    assert mask_id_number(id_number) in html
    assert id_number not in html
    assert id_number[6:14] not in html  # the birth date is hidden


@pytest.mark.parametrize(
    ("persona", "shown"),
    [("county_admin", True), ("officer_a", True), ("teacher_a", False), ("auditor", False)],
)
def test_reveal_button_is_shown_only_to_roles_that_may_reveal(
    county: County, persona: str, shown: bool
) -> None:
    html = county.client(persona).get("/students/", {"q": "张伟"}).content.decode()
    assert ("/reveal-id/" in html) is shown


def test_without_a_query_the_page_lists_the_register_in_scope(county: County) -> None:
    html = county.client("officer_b").get("/students/").content.decode()
    assert 'name="q"' in html
    listed = set(re.findall(r'data-label="姓名"><a href="/students/\d+/">([^<]+)<', html))
    assert listed == {"王芳", "刘洋", "赵磊"}


@pytest.mark.parametrize("query", ["张", "2012", "G" + "6" * 17 + "X"])
def test_search_runs_a_fixed_number_of_queries(
    county: County, query: str, django_assert_max_num_queries
) -> None:
    client = county.client("township_a")
    with django_assert_max_num_queries(9):
        assert client.get("/students/", {"q": query}).status_code == 200
