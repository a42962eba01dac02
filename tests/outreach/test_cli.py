"""``notoneless outreach coverage | awareness | follow-up | campaigns`` with ``--json``."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from outreach.outreach_county import compute_aid, visit
from web.county import TERM, TOWNSHIP_A, County

pytestmark = pytest.mark.django_db


def _run(*args: str) -> Any:
    out = io.StringIO()
    call_command("outreach", *args, stdout=out)
    return json.loads(out.getvalue())


def test_coverage_json_gives_the_figures_per_village_and_township(outreach_county: County):
    visit(outreach_county, "H001")

    report = _run("coverage", "--term", TERM, "--json")

    assert report["total"] == {
        "township_code": "",
        "township": "",
        "village_code": "",
        "village": "",
        "households": 3,
        "visited": 1,
        "unvisited": 2,
        "rate": round(1 / 3, 4),
    }
    villages = {v["village"]: (v["households"], v["visited"]) for v in report["villages"]}
    assert villages == {"鱼河村": (1, 1), "王沙沟村": (1, 0), "盐湾村": (1, 0)}
    assert sorted(u["household"] for u in report["unvisited"]) == ["H002", "H004"]


def test_coverage_of_one_township(outreach_county: County):
    report = _run("coverage", "--term", TERM, "--township", TOWNSHIP_A, "--json")
    assert [t["township"] for t in report["townships"]] == ["鱼河镇"]


def test_awareness_and_follow_up_json(outreach_county: County):
    compute_aid()
    visit(outreach_county, "H001", answers={"compulsory_living": "no", "hotline": "yes"})

    awareness = _run("awareness", "--term", TERM, "--json")
    follow_up = _run("follow-up", "--term", TERM, "--json")

    assert (awareness["total"]["known"], awareness["total"]["answers"]) == (1, 2)
    assert awareness["total"]["rate"] == 0.5
    assert follow_up["households"] == [
        {
            "household": "H001",
            "head": "张建国",
            "township": "鱼河镇",
            "village": "鱼河村",
            "question": "compulsory_living",
            "child": "张伟",
            "programs": ["义务教育家庭经济困难非寄宿生生活补助"],
            "visited_on": "2020-10-12",
        }
    ]


def test_campaigns_json_totals_the_materials(county: County):
    from datetime import date

    from notoneless.outreach.actions import record_campaign
    from outreach.outreach_county import term

    record_campaign(
        term=term(),
        title="告家长书发放",
        kind="school",
        held_on=date(2020, 9, 10),
        materials={"parent_letter": 400},
        acting_user=county.user("officer_a"),
    )
    report = _run("campaigns", "--term", TERM, "--json")
    assert report["materials"] == {"parent_letter": 400}
    assert report["campaigns"][0]["where"] == "鱼河镇"


def test_an_unknown_term_is_a_clear_error(county: County):
    with pytest.raises(CommandError, match="no term 2030-autumn"):
        call_command("outreach", "coverage", "--term", "2030-autumn")


def test_the_text_report_ends_with_the_total(outreach_county: County):
    out = io.StringIO()
    call_command("outreach", "coverage", "--term", TERM, stdout=out)
    assert out.getvalue().strip().splitlines()[-1].startswith("2020-autumn: 0 of 3")
