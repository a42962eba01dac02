"""``outreach.demo.setup`` on the tiny demo county, imported as the demo imports it: campaigns per
township, visits to part of the households (with the exited ones, as a county's rules may say), the coverage report agreeing with the
visits recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from notoneless.accounts.models import Role, User
from notoneless.aid.compute import compute_term
from notoneless.demo.generator import generate
from notoneless.demo.management.commands.demo import KINDS, expected_files, run_import
from notoneless.outreach import actions, demo, selectors
from notoneless.outreach.models import Campaign, Visit
from notoneless.outreach.rules import OutreachRules
from notoneless.registry.models import Term

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_the_demo_publicity_on_the_tiny_county(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # seed 3's few registered households have no child: visit the exited ones too, as the rules allow
    both = OutreachRules(version="test", visit_statuses=("registered", "exited"))
    for module in (actions, selectors):
        monkeypatch.setattr(module, "default_rules", lambda: both)
    generate("tiny", 3, tmp_path)
    files = expected_files(tmp_path)
    issues = tmp_path / "issues"
    issues.mkdir()
    for kind in KINDS:
        run_import(kind, files[kind], issues)
    compute_term(term_code="2020-autumn", acting_user=None)

    summary = demo.setup()

    term = Term.objects.get(code="2020-autumn")
    reader = User(username="r", role=Role.COUNTY_ADMIN, is_active=True)
    report = selectors.coverage(reader, term)
    assert report.total.households > 0, summary
    visited = set(Visit.objects.filter(term=term).values_list("household_id", flat=True))
    assert report.total.visited == len(visited)
    assert 0 < report.total.visited < report.total.households
    assert sum(r.visited for r in report.villages) == report.total.visited
    assert Campaign.objects.count() == len(report.townships) + 1
