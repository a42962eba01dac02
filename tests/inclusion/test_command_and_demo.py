"""The ``inclusion`` command's placement subcommands, and the demo set-up made through the actions."""

from __future__ import annotations

import io
import json
from pathlib import Path

from django.core.management import call_command

from inclusion.build import decide, load_registers, propose
from notoneless.inclusion import demo
from notoneless.inclusion.models import Placement, Plan, Session
from web.county import County


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("inclusion", *args, stdout=out)
    return out.getvalue()


def test_placements_propose_proposes_for_every_child_once(county: County, tmp_path: Path):
    load_registers(county, tmp_path)
    first = json.loads(run("placements", "propose", "--on", "2020-11-01", "--json"))
    assert (first["proposed"], first["already"]) == (3, 0)
    assert first["by_setting"] == {"home": 1, "regular": 1, "special_school": 1}
    assert "0 proposed" in run("placements", "propose", "--on", "2020-11-01")
    listed = json.loads(run("placements", "list", "--status", "proposed", "--json"))
    assert sorted(p["name"] for p in listed["placements"]) == ["张伟", "李娜", "王芳"]


def test_placements_review_due_lists_the_decisions_to_review(county: County, tmp_path: Path):
    load_registers(county, tmp_path)
    decide(county, propose(county))
    due = json.loads(run("placements", "review-due", "--as-of", "2021-11-01", "--json"))
    assert [p["name"] for p in due["reviews due"]] == ["张伟"]
    assert json.loads(run("placements", "review-due", "--as-of", "2021-06-01", "--json")) == {
        "reviews due": []
    }


def test_the_demo_setup_places_plans_and_teaches_through_the_actions(
    county: County, tmp_path: Path
):
    load_registers(county, tmp_path)
    summary = demo.setup()
    assert "3 placements proposed" in summary
    decided = dict(
        Placement.objects.filter(status="decided").values_list("person__name", "setting")
    )
    assert decided == {"张伟": "home", "王芳": "regular", "李娜": "special_school"}
    plan = Plan.objects.get()
    assert plan.person.name == "张伟"
    assert Session.objects.filter(plan=plan).count() == 6  # Tuesdays and Thursdays, 10-26 November
    assert "0 placements proposed" in demo.setup()  # a second call adds nothing
    assert Session.objects.count() == 6
