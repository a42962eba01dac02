"""``aid compute``: every program of the default pack, on a county built through the imports."""

from __future__ import annotations

import pytest

from aid.county import EXPECTED, TERM
from notoneless.aid.compute import compute_term
from notoneless.aid.models import AidTerm, Entitlement

pytestmark = pytest.mark.django_db


def entitlements_by_child() -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for name, program, fen in Entitlement.objects.filter(term__code=TERM).values_list(
        "student__person__name", "program", "amount_fen"
    ):
        out.setdefault(name, {})[program] = fen
    return out


def test_every_child_gets_exactly_the_programs_and_amounts_worked_out_by_hand(aid_county):
    outcome = compute_term(term_code=TERM, acting_user=aid_county.user("compiler"))

    got = entitlements_by_child()
    assert {name: got.get(name, {}) for name in EXPECTED} == EXPECTED
    assert outcome.students == len(EXPECTED)
    assert outcome.added == sum(len(p) for p in EXPECTED.values())


def test_every_program_of_the_pack_is_exercised_by_the_test_county():
    programs = {p for child in EXPECTED.values() for p in child}
    from notoneless.aid.policy import load_pack, pack_path

    pack = load_pack(pack_path("shaanxi-2020"))
    computed = {p.code for p in pack.programs if p.spec.kind != "loan"}
    assert computed == programs


def test_running_compute_again_changes_nothing_and_says_so(aid_county):
    first = compute_term(term_code=TERM, acting_user=aid_county.user("compiler"))
    second = compute_term(term_code=TERM, acting_user=aid_county.user("compiler"))

    assert (second.added, second.removed, second.changed) == (0, 0, 0)
    assert second.unchanged == first.added
    assert second.run.number == 2


def test_a_register_change_is_reported_with_its_reason(aid_county):
    from aid.county import CHILDREN, Child, students_csv

    compute_term(term_code=TERM, acting_user=aid_county.user("compiler"))
    changed = dict(CHILDREN)
    changed["丁小学"] = Child(
        "041", "20100808", CHILDREN["丁小学"].school, "四年级", boarder=False, hardship="困难"
    )
    aid_county.import_csv("students", students_csv(changed))

    outcome = compute_term(term_code=TERM, acting_user=aid_county.user("compiler"))

    assert outcome.removed == 1
    sample = next(s for s in outcome.samples if s["change"] == "removed")
    assert sample["program"] == "compulsory_boarding"
    assert "寄宿" in sample["reason"] or "boarder" in sample["reason"]


def test_compute_refuses_an_approved_term(aid_county):
    compute_term(term_code=TERM, acting_user=aid_county.user("compiler"))
    AidTerm.objects.update(state=AidTerm.State.APPROVED)
    from notoneless.aid.errors import AidRefused

    with pytest.raises(AidRefused):
        compute_term(term_code=TERM, acting_user=aid_county.user("compiler"))
