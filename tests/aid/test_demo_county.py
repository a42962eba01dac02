"""The demo county end to end: the tiny county's registers, imported as the demo imports them, give the
entitlements the generator's truth.json says are due. With the exact-ID links of the imports alone, the
only children missed are those a register's noise (a damaged or missing ID) hides; once the registers
are matched (``match run``), the term's entitlements are exactly the truth's."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from notoneless.aid.compute import compute_term
from notoneless.aid.models import Entitlement
from notoneless.demo.generator import generate
from notoneless.demo.management.commands.demo import KINDS, expected_files, run_import
from notoneless.registry.models import Student
from notoneless.registry.protection import lookup_hash

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
TERM = "2020-autumn"
ID_NOISE = {"typed_digit", "swapped_digits", "missing_id"}
REGISTERS = ("households.xlsx", "assistance.xlsx", "disability.xlsx")


@pytest.fixture(scope="module")
def tiny_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny")
    generate("tiny", 1, folder)
    return folder


def load(folder: Path) -> None:
    files = expected_files(folder)
    issues = folder / "issues"
    issues.mkdir(exist_ok=True)
    for kind in KINDS:
        run_import(kind, files[kind], issues)


def hidden_by_noise(truth: dict, folder: Path) -> set[str]:
    """Student numbers of children whose own roster ID is blank or who sit on a register row whose ID
    the generator damaged."""
    noisy: set[str] = set()
    for file in REGISTERS:
        rows = truth["noise"].get(file, {})
        people = truth["links"][file]
        noisy |= {people[int(r) - 2] for r, kinds in rows.items() if ID_NOISE & set(kinds)}
    roster = pl.read_excel(
        folder / "students.xlsx", engine="calamine", infer_schema_length=0
    ).fill_null("")
    keys = truth["links"]["students.xlsx"]
    numbers = roster["学籍号"].to_list()
    blank_id = {n for n, i in zip(numbers, roster["身份证号"].to_list(), strict=True) if not i}
    return {n for n, key in zip(numbers, keys, strict=True) if key in noisy} | blank_id


def due_and_entitled(
    truth: dict,
) -> dict[str, tuple[dict[int, int], dict[int, int], dict[int, str]]]:
    """Per program: (student → fen the truth says is due, student → fen entitled, student → number)."""
    by_hash = dict(Student.objects.values_list("student_number_hash", "pk"))
    out = {}
    for code, due in truth["eligible"].items():
        if code == "student_loan":
            continue
        want, number_of = {}, {}
        for number, fen in due["students"]:
            pk = by_hash[lookup_hash(number)]
            want[pk], number_of[pk] = fen, number
        got = dict(
            Entitlement.objects.filter(term__code=TERM, program=code).values_list(
                "student_id", "amount_fen"
            )
        )
        out[code] = (want, got, number_of)
    return out


def test_with_the_registers_matched_the_term_is_exactly_what_the_truth_says_is_due(
    tiny_files: Path,
):
    from notoneless.matching.actions import run_matching

    load(tiny_files)
    truth = json.loads((tiny_files / "truth.json").read_text(encoding="utf-8"))
    run_matching(acting_user=None)
    compute_term(term_code=TERM, acting_user=None)

    for code, (want, got, _numbers) in due_and_entitled(truth).items():
        assert got == want, code


def test_the_tiny_county_gets_what_the_truth_says_is_due(tiny_files: Path):
    load(tiny_files)
    truth = json.loads((tiny_files / "truth.json").read_text(encoding="utf-8"))
    compute_term(term_code=TERM, acting_user=None)

    by_hash = dict(Student.objects.values_list("student_number_hash", "pk"))
    number_of = {}
    hidden = hidden_by_noise(truth, tiny_files)
    checked = 0
    for code, due in truth["eligible"].items():
        if code == "student_loan":
            continue
        want = {}
        for number, fen in due["students"]:
            pk = by_hash[lookup_hash(number)]
            want[pk], number_of[pk] = fen, number
        got = dict(
            Entitlement.objects.filter(term__code=TERM, program=code).values_list(
                "student_id", "amount_fen"
            )
        )
        assert set(got) <= set(want), f"{code}: entitled but not due per truth"
        assert all(got[s] == want[s] for s in got), f"{code}: amounts differ from truth"
        missed = {number_of[s] for s in set(want) - set(got)}
        assert missed <= hidden, (
            f"{code}: missed without register noise: {sorted(missed - hidden)[:5]}"
        )
        assert len(got) >= 0.85 * len(want), f"{code}: too many missed ({len(got)} of {len(want)})"
        checked += len(got)
    assert checked > 100
