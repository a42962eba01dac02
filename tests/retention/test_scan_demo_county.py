"""The scan on the tiny demo county: November's absences, imported as the demo imports them, give a case
to every planted dropout whose November run or month reaches the rules, and to no one else; the whole
term's absences give a case to every planted dropout. Seed 3 plants two dropouts in November."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from notoneless.audit.models import AuditEntry
from notoneless.demo.generator import generate
from notoneless.demo.management.commands.demo import KINDS, expected_files, run_import
from notoneless.registry.models import Student
from notoneless.registry.protection import lookup_hash
from notoneless.retention.actions import scan
from notoneless.retention.models import Absence, Case

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
MONTH = "2020-11"
AS_OF = date(2020, 11, 30)


@pytest.fixture(scope="module")
def tiny_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny")
    generate("tiny", 3, folder)
    return folder


@pytest.fixture
def county(tiny_files: Path) -> dict:
    files = expected_files(tiny_files)
    issues = tiny_files / "issues"
    issues.mkdir(exist_ok=True)
    for kind in KINDS:
        run_import(kind, files[kind], issues)
    return json.loads((tiny_files / "truth.json").read_text(encoding="utf-8"))


def import_whole_term(folder: Path) -> None:
    for month in ("2020-09", "2020-10", "2020-12", "2021-01"):
        run_import("attendance", folder / f"attendance-{month}.csv", folder / "issues")


def student_ids(numbers: set[str]) -> set[int]:
    by_hash = dict(Student.objects.values_list("student_number_hash", "pk"))
    return {by_hash[lookup_hash(n)] for n in numbers}


def planted_this_month(truth: dict) -> set[str]:
    """Planted dropouts whose November days (a run of consecutive school days) reach 3."""
    return {
        d["student_number"]
        for d in truth["planted_dropouts"]
        if sum(x.startswith(MONTH) for x in d["dates"]) >= 3
    }


def test_every_planted_dropout_of_the_month_gets_a_case_and_no_one_else(county: dict):
    result = scan(as_of=AS_OF, acting_user=None)

    want = student_ids(planted_this_month(county))
    planted = student_ids({d["student_number"] for d in county["planted_dropouts"]})
    got = set(Case.objects.values_list("student_id", flat=True))
    assert want, "the tiny county plants no dropout in November"
    assert want <= got
    assert got <= planted
    excused_only = set(
        Absence.objects.exclude(student__absences__status="unexcused").values_list(
            "student_id", flat=True
        )
    )
    assert excused_only and not excused_only & got
    assert result.opened == Case.objects.count()
    assert set(Case.objects.values_list("status", flat=True)) == {"suspected"}


def test_on_the_whole_term_every_planted_dropout_gets_a_case(county: dict, tiny_files: Path):
    import_whole_term(tiny_files)
    scan(as_of=date(2021, 1, 22), acting_user=None)

    planted = student_ids({d["student_number"] for d in county["planted_dropouts"]})
    got = set(Case.objects.values_list("student_id", flat=True))
    assert got == planted


def test_a_second_scan_opens_nothing_and_a_month_later_escalates(county: dict):
    first = scan(as_of=AS_OF, acting_user=None)
    again = scan(as_of=AS_OF, acting_user=None)
    assert (again.opened, again.updated, again.escalated) == (0, 0, 0)
    assert again.unchanged == first.opened
    assert AuditEntry.objects.filter(action="retention.scan").count() == 2

    later = scan(as_of=date(2020, 12, 31), acting_user=None)
    assert later.opened == 0
    assert later.escalated == first.opened
    assert set(Case.objects.values_list("status", flat=True)) == {"dropout"}


def test_the_command_prints_the_scan_as_json(county: dict, capsys: pytest.CaptureFixture):
    call_command("retention", "scan", "--as-of", "2020-11-30", "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["term"] == "2020-autumn"
    assert out["opened"] == Case.objects.count() > 0
