"""The review queue: accept, reject, unsure, undo of an automatic link; who may decide what.

Candidate pairs are normally written by the linkage engine; these tests create the run and its pairs
directly (``MatchRun.objects.create``, ``CandidatePair.objects.create``) to exercise the actions alone.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from matching.findings_county import load
from notoneless.audit.models import AuditEntry
from notoneless.matching.errors import MatchingRefused
from notoneless.matching.models import CandidatePair, MatchRun, RecordKind
from notoneless.matching.review import apply_link, decide, pending_pairs, undo_auto_link
from notoneless.registry.models import (
    AssistanceRecord,
    DisabilityRecord,
    Person,
    PovertyMember,
)

pytestmark = pytest.mark.django_db

# records without an ID, so the import cannot link them: the engine (here, the test) proposes a person
DISABILITY = """残疾证号,姓名,性别,出生日期,残疾类别,残疾等级,乡镇,村
D0001,刘阳,男,2012-08-08,肢体,三级,鱼河镇,鱼河村
D0002,王方,女,2012-11-20,视力,二级,上盐湾镇,盐湾村
"""
HOUSEHOLD = """户编号,户主姓名,与户主关系,姓名,性别,出生日期,乡镇,村,贫困户状态,识别年度,脱贫年度
H005,李建设,之女,李那,女,2013-06-11,鱼河镇,王沙沟村,未脱贫,2017,
"""
ORPHANS = """类别,姓名,性别,出生日期,乡镇,村
孤儿,刘阳,男,2012-08-08,鱼河镇,鱼河村
"""


def pair(person: Person, record, kind: str, status=CandidatePair.Status.PENDING, p=0.8):
    run = MatchRun.objects.first() or MatchRun.objects.create(started_at=timezone.now())
    return CandidatePair.objects.create(
        run=run,
        record_kind=kind,
        record_id=record.pk,
        person=person,
        match_probability=p,
        match_weight=2.0,
        evidence={"name": "similar", "birth_date": "exact"},
        status=status,
    )


@pytest.fixture
def disability(county, tmp_path):
    load(tmp_path, "disability", DISABILITY)
    return {r.name: r for r in DisabilityRecord.objects.all()}


def test_accepting_links_the_record_and_the_persons_facts_follow(county, disability):
    liu = county.person("刘洋")
    candidate = pair(liu, disability["刘阳"], RecordKind.DISABILITY)

    decide(pair=candidate, decision="accept", note="同一人", acting_user=county.user("aid_officer"))

    record = DisabilityRecord.objects.get(pk=disability["刘阳"].pk)
    assert (record.person_id, record.link_method) == (liu.pk, "manual")
    assert Person.objects.get(pk=liu.pk).disabled is True
    candidate.refresh_from_db()
    assert candidate.status == CandidatePair.Status.ACCEPTED
    assert candidate.decided_by == county.user("aid_officer")
    entry = AuditEntry.objects.get(action="matching.accept")
    assert entry.detail["person_id"] == liu.pk and entry.detail["note"] == "同一人"


def test_accepting_a_household_member_gives_the_person_the_household(county, tmp_path):
    load(tmp_path, "households", HOUSEHOLD)
    member = PovertyMember.objects.get(name="李那")
    li = county.person("李娜")

    decide(
        pair=pair(li, member, RecordKind.HOUSEHOLDS),
        decision="accept",
        acting_user=county.user("county_admin"),
    )

    li.refresh_from_db()
    assert (li.household.number, li.relation_to_head) == ("H005", "之女")


def test_accepting_one_candidate_settles_the_records_other_candidates(county, disability):
    record = disability["刘阳"]
    first = pair(county.person("刘洋"), record, RecordKind.DISABILITY, p=0.9)
    second = pair(county.person("张伟"), record, RecordKind.DISABILITY, p=0.4)

    decide(pair=first, decision="accept", acting_user=county.user("county_admin"))

    second.refresh_from_db()
    assert second.status == CandidatePair.Status.REJECTED
    assert list(pending_pairs(county.user("county_admin"))) == []


def test_rejecting_changes_nothing_but_is_remembered(county, disability):
    liu = county.person("刘洋")
    candidate = pair(liu, disability["刘阳"], RecordKind.DISABILITY)

    decide(
        pair=candidate, decision="reject", note="不同人", acting_user=county.user("county_admin")
    )

    assert DisabilityRecord.objects.get(pk=disability["刘阳"].pk).person_id is None
    assert Person.objects.get(pk=liu.pk).disabled is False
    candidate.refresh_from_db()
    assert (candidate.status, candidate.note) == (CandidatePair.Status.REJECTED, "不同人")
    assert candidate not in pending_pairs(county.user("county_admin"))
    with pytest.raises(MatchingRefused):
        decide(pair=candidate, decision="accept", acting_user=county.user("county_admin"))


def test_unsure_stays_in_the_queue_after_the_pending_pairs(county, disability):
    unsure = pair(county.person("刘洋"), disability["刘阳"], RecordKind.DISABILITY, p=0.9)
    pending = pair(county.person("王芳"), disability["王方"], RecordKind.DISABILITY, p=0.5)

    decide(pair=unsure, decision="unsure", acting_user=county.user("county_admin"))

    assert list(pending_pairs(county.user("county_admin"))) == [pending, unsure]
    assert AuditEntry.objects.filter(action="matching.unsure").count() == 1


def test_undoing_an_automatic_link_unties_the_record_and_derives_the_facts_again(
    county, tmp_path, disability
):
    load(tmp_path, "households", HOUSEHOLD)
    load(tmp_path, "assistance", ORPHANS)
    li, liu = county.person("李娜"), county.person("刘洋")
    member = PovertyMember.objects.get(name="李那")
    orphan = AssistanceRecord.objects.get(name="刘阳")
    # what the engine does for a link above the upper threshold
    apply_link(RecordKind.HOUSEHOLDS, member.pk, li.pk, "probabilistic")
    apply_link(RecordKind.ASSISTANCE, orphan.pk, liu.pk, "probabilistic")
    apply_link(RecordKind.DISABILITY, disability["刘阳"].pk, liu.pk, "probabilistic")
    auto = pair(li, member, RecordKind.HOUSEHOLDS, status=CandidatePair.Status.AUTO_LINKED, p=0.999)
    auto_orphan = pair(liu, orphan, RecordKind.ASSISTANCE, status=CandidatePair.Status.AUTO_LINKED)
    li.refresh_from_db()
    assert li.household is not None

    undo_auto_link(pair=auto, note="不是同一人", acting_user=county.user("aid_officer"))
    undo_auto_link(pair=auto_orphan, acting_user=county.user("aid_officer"))

    li.refresh_from_db()
    liu.refresh_from_db()
    assert (li.household_id, li.relation_to_head) == (None, "")
    assert PovertyMember.objects.get(pk=member.pk).person_id is None
    assert liu.orphan is False
    assert liu.disabled is True  # the disability link still stands
    auto.refresh_from_db()
    assert auto.status == CandidatePair.Status.UNDONE
    assert AuditEntry.objects.filter(action="matching.undo").count() == 2


def test_undo_keeps_the_household_the_student_roster_gave(county, tmp_path):
    """张伟's roster names household H001; undoing a link to a member record of another household
    (which never gave him that household) leaves him in H001."""
    zhang = county.person("张伟")
    load(tmp_path, "households", HOUSEHOLD)
    member = PovertyMember.objects.get(name="李那")
    auto = pair(zhang, member, RecordKind.HOUSEHOLDS, status=CandidatePair.Status.AUTO_LINKED)
    PovertyMember.objects.filter(pk=member.pk).update(person=zhang, link_method="probabilistic")
    household = zhang.household_id

    undo_auto_link(pair=auto, acting_user=county.user("county_admin"))

    zhang.refresh_from_db()
    assert zhang.household_id == household


def test_only_an_automatic_link_can_be_undone(county, disability):
    candidate = pair(county.person("刘洋"), disability["刘阳"], RecordKind.DISABILITY)
    with pytest.raises(MatchingRefused):
        undo_auto_link(pair=candidate, acting_user=county.user("county_admin"))


def test_accepting_a_record_already_linked_to_someone_else_is_refused(county, disability):
    record = disability["刘阳"]
    apply_link(RecordKind.DISABILITY, record.pk, county.person("张伟").pk, "exact_id")
    candidate = pair(county.person("刘洋"), record, RecordKind.DISABILITY)

    with pytest.raises(MatchingRefused):
        decide(pair=candidate, decision="accept", acting_user=county.user("county_admin"))

    candidate.refresh_from_db()
    assert candidate.status == CandidatePair.Status.PENDING
    assert not AuditEntry.objects.filter(action="matching.accept").exists()


# --- scope ---------------------------------------------------------------------------------------


def test_another_townships_officer_cannot_decide_or_see_the_pair(county, disability):
    # 王方's record lies in 盐湾村 (township B); 王芳 studies at school B
    candidate = pair(county.person("王芳"), disability["王方"], RecordKind.DISABILITY)

    for persona in ("township_a", "officer_a", "auditor", "teacher_a"):
        with pytest.raises(MatchingRefused):
            decide(pair=candidate, decision="accept", acting_user=county.user(persona))
    assert candidate not in pending_pairs(county.user("township_a"))
    assert candidate not in pending_pairs(county.user("officer_a"))
    assert candidate in pending_pairs(county.user("auditor"))  # auditors read
    candidate.refresh_from_db()
    assert candidate.status == CandidatePair.Status.PENDING

    decide(pair=candidate, decision="accept", acting_user=county.user("officer_b"))
    candidate.refresh_from_db()
    assert candidate.status == CandidatePair.Status.ACCEPTED


def test_a_township_officer_decides_pairs_whose_record_lies_in_the_township(county, disability):
    # 刘阳's record is in 鱼河村 (township A); 刘洋 studies in township B but his hukou village is in A
    candidate = pair(county.person("刘洋"), disability["刘阳"], RecordKind.DISABILITY)

    assert candidate in pending_pairs(county.user("township_a"))
    decide(pair=candidate, decision="reject", acting_user=county.user("township_a"))

    candidate.refresh_from_db()
    assert candidate.status == CandidatePair.Status.REJECTED


def test_pending_pairs_filter_by_register(county, disability):
    candidate = pair(county.person("刘洋"), disability["刘阳"], RecordKind.DISABILITY)

    assert list(pending_pairs(county.user("county_admin"), kind=RecordKind.DISABILITY)) == [
        candidate
    ]
    assert list(pending_pairs(county.user("county_admin"), kind=RecordKind.HUKOU)) == []
