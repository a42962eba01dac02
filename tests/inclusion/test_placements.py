"""Placements: school-age disabled children from the disability register (and assessments), the rules'
proposal, and the expert committee's decision with the guardian's consent, kept with who and why,
reviewed yearly."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from inclusion.build import COMMITTEE, DECIDED_ON, PROPOSED_ON, decide, load_registers, propose
from notoneless.audit.models import AuditEntry
from notoneless.inclusion import actions, selectors
from notoneless.inclusion.errors import InclusionRefused
from notoneless.inclusion.models import Placement
from web.county import County


@pytest.fixture
def registers(county: County, tmp_path: Path) -> County:
    load_registers(county, tmp_path)
    return county


def test_the_candidates_are_the_school_age_children_with_a_linked_certificate(registers: County):
    found = selectors.candidates(registers.user("county_admin"), PROPOSED_ON)
    assert sorted(c.person.name for c in found) == ["张伟", "李娜", "王芳"]  # not the adult 张建国
    by_name = {c.person.name: c for c in found}
    assert (by_name["张伟"].basis.disability_type, by_name["张伟"].basis.grade) == (
        "intellectual",
        2,
    )
    assert by_name["张伟"].school.code == "6108020001"
    assert by_name["张伟"].township.name == "鱼河镇"


def test_a_school_officer_sees_only_the_school_s_candidates(registers: County):
    found = selectors.candidates(registers.user("officer_a"), PROPOSED_ON)
    assert sorted(c.person.name for c in found) == ["张伟", "李娜"]  # 李娜: the teaching point
    assert [
        c.person.name for c in selectors.candidates(registers.user("officer_b"), PROPOSED_ON)
    ] == ["王芳"]
    assert selectors.candidates(registers.user("aid_officer"), PROPOSED_ON) == []


def test_a_proposal_follows_the_rules_and_is_only_a_proposal(registers: County):
    placement = propose(registers)
    assert placement.status == Placement.Status.PROPOSED
    assert (placement.proposed_setting, placement.alternatives) == ("home", ["special_school"])
    assert (placement.source, placement.disability_type, placement.grade) == (
        "certificate",
        "intellectual",
        2,
    )
    assert placement.setting == "" and placement.decided_on is None
    assert placement.proposed_by == registers.user("officer_a")
    assert AuditEntry.objects.filter(
        action="inclusion.propose", object_id=str(placement.pk)
    ).exists()


def test_a_second_proposal_while_one_awaits_the_committee_is_refused(registers: County):
    propose(registers)
    with pytest.raises(InclusionRefused, match="awaiting the committee"):
        propose(registers)
    assert Placement.objects.count() == 1


def test_an_assessed_child_without_a_certificate_gets_a_proposal_from_the_severity(
    registers: County,
):
    officer_b = registers.user("officer_b")
    actions.add_assessment(
        person=registers.person("赵磊"),
        disability_type="multiple",
        severity="severe",
        assessor="县特殊教育资源中心 刘医生",
        assessed_on=date(2020, 10, 20),
        acting_user=officer_b,
    )
    placement = actions.propose_placement(
        person=registers.person("赵磊"), acting_user=officer_b, on=PROPOSED_ON
    )
    assert (placement.source, placement.grade, placement.proposed_setting) == (
        "assessment",
        1,
        "home",
    )
    assert placement.assessment is not None and placement.assessment.assessor.startswith("县特殊")


def test_an_assessment_without_an_assessor_is_refused_naming_the_field(registers: County):
    with pytest.raises(InclusionRefused) as refused:
        actions.add_assessment(
            person=registers.person("赵磊"),
            disability_type="multiple",
            severity="severe",
            assessor=" ",
            assessed_on=date(2020, 10, 20),
            acting_user=registers.user("officer_b"),
        )
    assert refused.value.field == "assessor"
    assert not registers.person("赵磊").inclusion_assessments.exists()


def test_a_school_officer_cannot_propose_for_another_school_s_child(registers: County):
    with pytest.raises(InclusionRefused, match="not in your scope"):
        actions.propose_placement(
            person=registers.person("张伟"), acting_user=registers.user("officer_b"), on=PROPOSED_ON
        )
    assert not Placement.objects.exists()


def test_propose_all_proposes_once_for_every_child_in_scope(registers: County):
    admin = registers.user("county_admin")
    result = actions.propose_all(acting_user=admin, on=PROPOSED_ON)
    assert (result.proposed, result.already) == (3, 0)
    assert result.by_setting == {"home": 1, "regular": 1, "special_school": 1}
    again = actions.propose_all(acting_user=admin, on=PROPOSED_ON)
    assert (again.proposed, again.already) == (0, 3)
    settings = dict(Placement.objects.values_list("person__name", "proposed_setting"))
    assert settings == {"张伟": "home", "王芳": "regular", "李娜": "special_school"}


def test_the_committee_decides_and_the_decision_keeps_who_why_and_consent(registers: County):
    placement = decide(registers, propose(registers), setting="special_school")
    placement.refresh_from_db()
    assert placement.status == Placement.Status.DECIDED
    assert placement.setting == "special_school"  # the committee may depart from the proposal
    assert placement.proposed_setting == "home"
    assert placement.committee_members == COMMITTEE
    assert placement.reason.startswith("二级智力残疾")
    assert (placement.guardian_name, placement.consent_on) == ("张建国", DECIDED_ON)
    assert placement.decided_by == registers.user("county_admin")
    assert placement.review_due == date(2021, 11, 1)
    entry = AuditEntry.objects.get(action="inclusion.decide")
    assert entry.detail["members"] == COMMITTEE


def _decide(county: County, placement: Placement, **changes: object) -> Placement:
    args: dict[str, object] = {
        "placement": placement,
        "setting": "home",
        "committee_members": COMMITTEE,
        "reason": "行动不便",
        "guardian_name": "张建国",
        "guardian_consent": True,
        "consent_on": DECIDED_ON,
        "decided_on": DECIDED_ON,
        "acting_user": county.user("county_admin"),
    }
    args.update(changes)
    return actions.decide_placement(**args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"guardian_consent": False}, "guardian_consent"),
        ({"consent_on": None}, "consent_on"),
        ({"guardian_name": ""}, "guardian_name"),
        ({"reason": "  "}, "reason"),
        ({"committee_members": ["王主任", "李医生"]}, "committee_members"),
        ({"setting": "boarding"}, "setting"),
        ({"decided_on": date(2020, 10, 1)}, "decided_on"),
    ],
)
def test_a_decision_missing_what_it_needs_is_refused_and_nothing_changes(
    registers: County, changes: dict[str, object], field: str
):
    placement = propose(registers)
    with pytest.raises(InclusionRefused) as refused:
        _decide(registers, placement, **changes)
    assert refused.value.field == field
    assert field in str(refused.value)
    stored = Placement.objects.get(pk=placement.pk)
    assert (stored.status, stored.setting, stored.decided_on) == ("proposed", "", None)
    assert not AuditEntry.objects.filter(action="inclusion.decide").exists()


def test_only_the_county_records_decisions(registers: County):
    placement = propose(registers)
    with pytest.raises(InclusionRefused, match="only the county"):
        _decide(registers, placement, acting_user=registers.user("officer_a"))
    assert Placement.objects.get(pk=placement.pk).status == "proposed"


def test_a_yearly_review_is_due_and_a_new_decision_supersedes_the_old(registers: County):
    admin = registers.user("county_admin")
    first = decide(registers, propose(registers))
    assert selectors.review_due(admin, date(2021, 6, 1)) == []
    assert selectors.review_due(admin, date(2021, 10, 15)) == [first]  # within 30 days
    assert selectors.review_due(admin, date(2021, 11, 2)) == [first]  # overdue
    assert selectors.review_due(registers.user("officer_b"), date(2021, 11, 2)) == []

    review = actions.propose_placement(
        person=registers.person("张伟"),
        acting_user=registers.user("officer_a"),
        on=date(2021, 11, 3),
    )
    second = decide(registers, review, setting="regular", decided_on=date(2021, 11, 5))
    first.refresh_from_db()
    assert first.status == Placement.Status.SUPERSEDED
    assert (first.setting, first.reason) == ("home", "二级智力残疾，行动不便，家长希望在家接受教育")
    assert second.review_due == date(2022, 11, 5)
    assert selectors.review_due(admin, date(2021, 11, 30)) == []
