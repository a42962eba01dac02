from __future__ import annotations

import re

import pytest

from web.county import County


def _cell(html: str, label: str) -> int:
    """The number in the row whose first cell is ``label``."""
    match = re.search(
        rf"<t[hd][^>]*>{re.escape(label)}</t[hd]>\s*<td class=\"num\">(\d+)</td>", html
    )
    assert match, f"no row {label!r}"
    return int(match.group(1))


def test_overview_renders_in_chinese_by_default(county: County) -> None:
    html = county.client("county_admin").get("/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "全县概况" in html and "本学期学生（按学段）" in html
    assert "County overview" not in html


def test_overview_renders_in_english_when_selected(county: County) -> None:
    client = county.client("county_admin")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "County overview" in html and "Students by stage this term" in html
    assert "全县概况" not in html


def test_overview_switches_back_to_chinese(county: County) -> None:
    client = county.client("county_admin")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "全县概况" in client.get("/").content.decode()


def test_county_admin_sees_the_counts_of_the_whole_county(county: County) -> None:
    client = county.client("county_admin")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert _cell(html, "Primary school") == 2
    assert _cell(html, "Teaching point") == 1
    assert _cell(html, "Primary") == 5
    assert (
        _cell(html, "From registered-poor households") == 2
    )  # 张伟 and 赵磊; 王芳's household exited


def test_school_officer_sees_counts_of_their_school_and_its_teaching_point(county: County) -> None:
    client = county.client("officer_a")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert _cell(html, "Primary school") == 1
    assert _cell(html, "Teaching point") == 1
    assert _cell(html, "Primary") == 2
    assert _cell(html, "From registered-poor households") == 1


def test_township_officer_counts_children_of_their_villages_studying_elsewhere(
    county: County,
) -> None:
    client = county.client("township_a")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    # 张伟 and 李娜 study in the township; 刘洋 (hukou) and 赵磊 (household) in township B.
    assert _cell(html, "Primary") == 4
    assert _cell(html, "From registered-poor households") == 2


@pytest.mark.parametrize(
    ("persona", "shown"),
    [("county_admin", True), ("aid_officer", True), ("auditor", True), ("officer_a", False)],
)
def test_import_history_is_shown_to_county_wide_roles_only(
    county: County, persona: str, shown: bool
) -> None:
    html = county.client(persona).get("/").content.decode()
    assert ("最近导入" in html) is shown
    assert ("students.csv" in html) is shown


@pytest.mark.parametrize("persona", ["county_admin", "officer_a", "township_a", "teacher_a"])
def test_overview_runs_a_fixed_number_of_queries(
    county: County, persona: str, django_assert_max_num_queries
) -> None:
    client = county.client(persona)
    # the dashboard reads each area once (about 55 queries, whatever the county's size; see
    # test_dashboard.py), then keeps it until the next audited write
    with django_assert_max_num_queries(70):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("persona", "admin_link"),
    [("superuser", True), ("county_admin", False), ("officer_a", False), ("auditor", False)],
)
def test_navigation_offers_administration_to_superusers_only(
    county: County, persona: str, admin_link: bool
) -> None:
    html = county.client(persona).get("/").content.decode()
    assert 'href="/schools/"' in html and 'href="/students/"' in html
    assert ('href="/admin/"' in html) is admin_link
