"""The tiny demo county, generated and imported as the demo does, matched against the generator's
truth.json: every true link among the records no ID linked at import is found, and none is wrong."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from notoneless.demo.generator import generate
from notoneless.demo.management.commands.demo import KINDS, expected_files, run_import
from notoneless.matching.actions import run_matching
from notoneless.matching.frames import REGISTERS
from notoneless.registry.models import Student
from notoneless.registry.protection import lookup_hash

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
FILES = ("households", "assistance", "disability", "hukou", "enrolled-elsewhere")


@pytest.fixture(scope="module")
def tiny_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny-matching")
    generate("tiny", 1, folder)
    return folder


def true_person_of(folder: Path) -> tuple[dict[str, int], dict]:
    """Truth person key → the person id of the student imported from that row of students.xlsx."""
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    roster = pl.read_excel(folder / "students.xlsx", engine="calamine", infer_schema_length=0)
    by_hash = dict(Student.objects.values_list("student_number_hash", "person_id"))
    keys = truth["links"]["students.xlsx"]
    numbers = roster["学籍号"].to_list()
    return {key: by_hash[lookup_hash(n)] for key, n in zip(keys, numbers, strict=True)}, truth


def test_the_tiny_county_links_every_true_pair_and_no_wrong_one(tiny_files: Path):
    issues = tiny_files / "issues"
    issues.mkdir(exist_ok=True)
    files = expected_files(tiny_files)
    for kind in KINDS:
        run_import(kind, files[kind], issues)
    unlinked = {
        kind: set(REGISTERS[kind].objects.filter(person=None).values_list("pk", flat=True))
        for kind in FILES
    }

    run = run_matching(acting_user=None)

    person_of, truth = true_person_of(tiny_files)
    to_find = found = wrong = 0
    for kind in FILES:
        links = truth["links"][f"{kind}.xlsx"]
        rows = (
            REGISTERS[kind]
            .objects.filter(pk__in=unlinked[kind])
            .values_list("source_row", "person_id", "link_method")
        )
        for source_row, person_id, method in rows:
            want = person_of.get(links[source_row - 2])
            to_find += want is not None
            found += want is not None and person_id == want
            wrong += method == "probabilistic" and person_id != want
    assert to_find > 20
    assert wrong == 0
    assert found == to_find, f"{found} of {to_find} found; run counts {run.counts}"
