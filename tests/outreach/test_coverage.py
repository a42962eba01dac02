"""``selectors.coverage``: registered-poor households with a school-age child, visited this term, per
village and township; compared with counts made by hand from the fixture's registers."""

from __future__ import annotations

from datetime import date

import pytest

from notoneless.outreach import selectors
from outreach.outreach_county import term, visit
from web.county import County

pytestmark = pytest.mark.django_db


def _villages(report: selectors.Coverage) -> dict[str, tuple[int, int]]:
    return {r.village: (r.households, r.visited) for r in report.villages}


def _townships(report: selectors.Coverage) -> dict[str, tuple[int, int]]:
    return {r.township: (r.households, r.visited) for r in report.townships}


def test_coverage_per_village_and_township_agrees_with_the_visits_recorded(
    outreach_county: County,
):
    visit(outreach_county, "H001")
    visit(outreach_county, "H001", "teacher_a", day=date(2020, 11, 3))  # twice: still one household
    visit(outreach_county, "H004", "township_b")

    report = selectors.coverage(outreach_county.user("county_admin"), term())

    # H001 (鱼河村) and H002 (王沙沟村): children in school; H004 (盐湾村): a school-age child on the
    # poverty register only; H003 has exited poverty, H005 has no child: neither counts.
    assert _villages(report) == {"鱼河村": (1, 1), "王沙沟村": (1, 0), "盐湾村": (1, 1)}
    assert _townships(report) == {"鱼河镇": (2, 1), "上盐湾镇": (1, 1)}
    assert (report.total.households, report.total.visited) == (3, 2)
    assert report.total.rate == pytest.approx(2 / 3)
    assert [h.number for h in report.unvisited] == ["H002"]


def test_a_visit_of_another_term_does_not_cover_this_one(outreach_county: County):
    from notoneless.registry.models import Term

    Term.objects.create(
        code="2020-spring",
        school_year=2020,
        season="spring",
        start_date=date(2021, 2, 15),
        end_date=date(2021, 7, 15),
    )
    assert visit(outreach_county, "H001", day=date(2021, 3, 1)).term.code == "2020-spring"

    report = selectors.coverage(outreach_county.user("county_admin"), term())

    assert report.total.visited == 0


def test_a_township_officer_sees_the_coverage_of_the_township_only(outreach_county: County):
    visit(outreach_county, "H002")

    report = selectors.coverage(outreach_county.user("township_a"), term())

    assert _villages(report) == {"鱼河村": (1, 0), "王沙沟村": (1, 1)}
    assert _townships(report) == {"鱼河镇": (2, 1)}


def test_a_school_officer_sees_the_households_of_the_school_students(outreach_county: County):
    # officer_b's school (上盐湾镇中心小学) teaches 赵磊 of H002 and 王芳 of exited H003
    report = selectors.coverage(outreach_county.user("officer_b"), term())

    assert _villages(report) == {"王沙沟村": (1, 0)}
