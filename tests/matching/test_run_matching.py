"""``run_matching`` over registers imported with the noise real registers carry: each noisy row finds its
child, twins are never merged, a clerk's decision is remembered, and the linked facts reach the aid."""

from __future__ import annotations

import pytest

from matching.linkage_county import LI_LIANG
from notoneless.aid.compute import compute_term
from notoneless.aid.models import Entitlement
from notoneless.audit.models import AuditEntry
from notoneless.matching.actions import run_matching
from notoneless.matching.models import CandidatePair, MatchRun
from notoneless.registry.models import (
    AssistanceRecord,
    DisabilityRecord,
    Household,
    HukouRecord,
    Person,
    PovertyMember,
)
from notoneless.registry.protection import lookup_hash
from web.county import TERM

pytestmark = pytest.mark.django_db
S = CandidatePair.Status


def student(name: str) -> Person:
    return Person.objects.get(name_norm=name, student__isnull=False)


def test_a_child_with_two_id_digits_swapped_is_linked_and_gets_the_household(matching_county):
    member = PovertyMember.objects.get(name="刘洋", household__number="H004")
    assert member.person_id is None and member.id_status == "invalid"

    run_matching(acting_user=matching_county.user("county_admin"))

    member.refresh_from_db()
    liu = student("刘洋")
    assert (member.person_id, member.link_method) == (liu.pk, "probabilistic")
    assert liu.household == Household.objects.get(number="H004")
    assert liu.relation_to_head == "之子"


def test_a_mistyped_certificate_links_and_the_child_becomes_disabled(matching_county):
    run_matching(acting_user=None)

    record = DisabilityRecord.objects.get(name="李娜")
    assert record.person_id == student("李娜").pk
    assert student("李娜").disabled


def test_an_orphan_listed_without_an_id_is_linked_and_marked_orphan(matching_county):
    run_matching(acting_user=None)

    record = AssistanceRecord.objects.get(name="王芳")
    assert record.person_id == student("王芳").pk
    assert student("王芳").orphan


def test_traditional_characters_and_a_homophone_find_the_child(matching_county):
    run_matching(acting_user=None)

    assert HukouRecord.objects.get(name="張偉").person_id == student("张伟").pk
    assert HukouRecord.objects.get(name="李纳").person_id == student("李娜").pk


def test_twins_are_never_merged(matching_county):
    run = run_matching(acting_user=None)

    li_ming = student("李明")
    liang_hukou = HukouRecord.objects.get(id_number_hash=lookup_hash(LI_LIANG))
    liang_assistance = AssistanceRecord.objects.get(name="李亮")
    assert liang_hukou.person_id is None and liang_assistance.person_id is None
    twin_pairs = CandidatePair.objects.filter(run=run, person=li_ming).exclude(
        record_kind="hukou", record_id=HukouRecord.objects.get(name="李明").pk
    )
    assert all(p.status == S.PENDING and p.note.startswith("twins") for p in twin_pairs)
    # 李明's own register row was linked by its ID at import
    assert HukouRecord.objects.get(name="李明").person_id == li_ming.pk


def test_a_rejected_or_undone_pair_is_neither_relinked_nor_asked_again(matching_county):
    run_matching(acting_user=None)
    record = HukouRecord.objects.get(name="李纳")
    pair = CandidatePair.objects.get(record_kind="hukou", record_id=record.pk)
    assert pair.status == S.AUTO_LINKED
    # the clerk undoes the automatic link (what the review queue does)
    pair.status = S.UNDONE
    pair.save()
    HukouRecord.objects.filter(pk=record.pk).update(person=None, link_method="")

    second = run_matching(acting_user=None)

    record.refresh_from_db()
    assert record.person_id is None
    assert not CandidatePair.objects.filter(
        run=second, record_kind="hukou", record_id=record.pk
    ).exists()
    assert CandidatePair.objects.get(pk=pair.pk).status == S.UNDONE


def test_a_second_run_changes_nothing_and_keeps_pending_pairs_once(matching_county):
    first = run_matching(acting_user=None)
    pending = set(
        CandidatePair.objects.filter(status=S.PENDING).values_list(
            "record_kind", "record_id", "person"
        )
    )

    second = run_matching(acting_user=None)

    assert second.counts["new_links"] == 0
    assert second.counts["probabilistic"] == first.counts["probabilistic"]
    again = set(
        CandidatePair.objects.filter(status=S.PENDING).values_list(
            "record_kind", "record_id", "person"
        )
    )
    assert again == pending
    assert CandidatePair.objects.filter(status=S.PENDING, run=first).count() == 0


def test_the_run_is_counted_audited_and_keeps_its_model(matching_county):
    run = run_matching(acting_user=matching_county.user("county_admin"))

    assert run.finished_at is not None
    assert run.counts["registers"]["hukou"]["new_links"] == 2
    assert run.counts["registers"]["hukou"]["exact"] == 1  # 李明's own row, by its ID at import
    assert run.model["link_type"] == "link_only"
    assert all(
        "m_probability" in level and "u_probability" in level
        for comp in run.model["comparisons"]
        for level in comp["comparison_levels"]
        if not level.get("is_null_level")
    )
    assert any("fixed m and u" in note for note in run.notes)
    entry = AuditEntry.objects.get(action="matching.run")
    assert entry.object_id == str(run.pk) and entry.user == matching_county.user("county_admin")
    assert MatchRun.objects.count() == 1


def test_the_linked_facts_give_the_child_the_aid(matching_county):
    compute_term(term_code=TERM, acting_user=None)
    assert not entitled("李娜") and not entitled("刘洋")

    run_matching(acting_user=None)
    compute_term(term_code=TERM, acting_user=None)

    # disabled, and a member of a registered-poor household: primary non-boarders, 500 yuan a year
    assert entitled("李娜") == {"compulsory_non_boarding": 25_000}
    assert entitled("刘洋") == {"compulsory_non_boarding": 25_000}


def entitled(name: str) -> dict[str, int]:
    rows = Entitlement.objects.filter(term__code=TERM, student__person=student(name))
    return dict(rows.values_list("program", "amount_fen"))
