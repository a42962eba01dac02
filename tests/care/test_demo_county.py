"""The care set-up on the tiny demo county, imported as the demo imports it: every special-group child
paired as far as the teachers' limit allows, most with their class's head teacher, the coverage
report agreeing with the pairing table, and the log leaving some pairs overdue."""

from __future__ import annotations

from pathlib import Path

import pytest

from notoneless.accounts.models import Role, User
from notoneless.care import demo
from notoneless.care.care_rules import default_rules
from notoneless.care.coverage import coverage
from notoneless.care.models import Pairing
from notoneless.demo.generator import generate
from notoneless.demo.management.commands.demo import KINDS, expected_files, run_import

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(scope="module")
def tiny_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny")
    generate("tiny", 3, folder)
    return folder


def test_the_demo_set_up_pairs_the_tiny_county(tiny_files: Path):
    files = expected_files(tiny_files)
    issues = tiny_files / "issues"
    issues.mkdir(exist_ok=True)
    for kind in KINDS:
        run_import(kind, files[kind], issues)
    message = demo.setup()
    assert "care:" in message
    report = coverage(User(username="t", role=Role.COUNTY_ADMIN, is_active=True), "2020-11")
    assert report.total.special > 0
    assert report.total.paired == len(set(Pairing.objects.values_list("person_id", flat=True)))
    assert report.total.paired >= 0.9 * report.total.special
    assert 0 < report.total.overdue < report.total.paired
    assert 0 < report.total.contacted < report.total.paired
    limit = default_rules().load_limit
    loads = {}
    for teacher_id in Pairing.objects.values_list("teacher_id", flat=True):
        loads[teacher_id] = loads.get(teacher_id, 0) + 1
    assert max(loads.values()) <= limit
