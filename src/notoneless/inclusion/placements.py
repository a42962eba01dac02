"""Placements (安置): an assessment for a child without a certificate, the rules' proposal, and the
expert committee's decision with the guardian's consent. Each action checks the user may act, refuses
bad input with a message naming the field (Chinese / English) and changes nothing when it refuses,
runs in one transaction and writes one audit row."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from notoneless.audit.actions import record
from notoneless.inclusion.access import (
    may_decide_placements,
    may_propose_placements,
    may_read_inclusion,
)
from notoneless.inclusion.errors import InclusionRefused
from notoneless.inclusion.models import Assessment, Placement, Plan, Setting, Severity
from notoneless.inclusion.rules import placement_rules
from notoneless.inclusion.selectors import Candidate, candidates, placement_scope
from notoneless.registry.choices import DisabilityType
from notoneless.registry.models import Person
from notoneless.registry.selectors import persons_for

__all__ = [
    "ProposeResult",
    "add_assessment",
    "add_months",
    "decide_placement",
    "propose_all",
    "propose_placement",
]


def _today() -> date:
    return timezone.localdate()


def _not_future(day: date | None, field: str, label: str) -> date:
    if day is None:
        raise InclusionRefused(f"请填写{label} / {field} is required", field=field)
    if day > _today():
        raise InclusionRefused(
            f"{label}不能是将来的日期 / {field}: the date is in the future", field=field
        )
    return day


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _check_person_in_scope(person: Person, acting_user: Any) -> None:
    if not persons_for(acting_user).filter(pk=person.pk).exists() and not (
        Placement.objects.filter(placement_scope(acting_user), person=person).exists()
    ):
        raise InclusionRefused(
            "该儿童不在您的管辖范围 / the child is not in your scope", field="person"
        )


def add_assessment(
    *,
    person: Person,
    disability_type: str,
    severity: str,
    assessor: str,
    assessed_on: date,
    acting_user: Any,
    notes: str = "",
) -> Assessment:
    """A child assessed without a certificate (by the school or the bureau): type, severity, who."""
    if not may_propose_placements(acting_user):
        raise InclusionRefused("无权录入评估 / this role cannot enter assessments")
    _check_person_in_scope(person, acting_user)
    if disability_type not in DisabilityType.values:
        raise InclusionRefused(
            f"未知的残疾类别 / disability_type: unknown value {disability_type!r}",
            field="disability_type",
        )
    if severity not in Severity.values:
        raise InclusionRefused(
            f"未知的残疾程度 / severity: unknown value {severity!r}", field="severity"
        )
    if not assessor.strip():
        raise InclusionRefused(
            "请填写评估人 / assessor: name who assessed the child", field="assessor"
        )
    _not_future(assessed_on, "assessed_on", "评估日期")
    with transaction.atomic():
        assessment = Assessment.objects.create(
            person=person,
            school=acting_user.school if getattr(acting_user, "school_id", None) else None,
            disability_type=disability_type,
            severity=severity,
            assessor=assessor.strip(),
            assessed_on=assessed_on,
            notes=notes.strip(),
            created_by=acting_user if acting_user.pk else None,
        )
        record(
            "inclusion.assessment",
            acting_user=acting_user,
            object_type="person",
            object_id=person.pk,
            detail={"type": disability_type, "severity": severity, "assessor": assessor.strip()},
        )
    return assessment


def _new_placement(candidate: Candidate, on: date, acting_user: Any) -> Placement:
    rules = placement_rules()
    basis = candidate.basis
    proposal = rules.propose(basis.disability_type, basis.grade)
    return Placement(
        person=candidate.person,
        school=candidate.school,
        township=candidate.township,
        source=basis.source,
        disability_record=basis.record,
        assessment=basis.assessment,
        disability_type=basis.disability_type,
        grade=basis.grade,
        proposed_setting=proposal.setting,
        alternatives=list(proposal.alternatives),
        proposal_note=proposal.note[:300],
        rules_version=rules.version,
        proposed_on=on,
        proposed_by=acting_user if getattr(acting_user, "pk", None) else None,
    )


def propose_placement(*, person: Person, acting_user: Any, on: date | None = None) -> Placement:
    """The rules' proposal for one child of compulsory school age with a certificate or an
    assessment; a child with a decision in force gets a new proposal (a review)."""
    if not may_propose_placements(acting_user):
        raise InclusionRefused("无权提出安置建议 / this role cannot propose placements")
    on = on or _today()
    _check_person_in_scope(person, acting_user)
    if person.birth_date is None:
        raise InclusionRefused(
            "缺少出生日期 / birth_date: the child's birth date is unknown", field="birth_date"
        )
    found = candidates(acting_user, on, person=person)
    if not found:
        raise InclusionRefused(
            "该儿童不是有残疾证或评估记录的义务教育适龄儿童 / the child is not of compulsory school age "
            "with a disability certificate or an assessment",
            field="person",
        )
    if Placement.objects.filter(person=person, status=Placement.Status.PROPOSED).exists():
        raise InclusionRefused(
            "该儿童已有待专家委员会决定的安置建议 / the child already has a proposal awaiting the committee",
            field="person",
        )
    with transaction.atomic():
        placement = _new_placement(found[0], on, acting_user)
        placement.save()
        record(
            "inclusion.propose",
            acting_user=acting_user,
            object_type="placement",
            object_id=placement.pk,
            detail={
                "person": person.pk,
                "setting": placement.proposed_setting,
                "rules": placement.rules_version,
            },
        )
    return placement


@dataclass(frozen=True)
class ProposeResult:
    on: date
    proposed: int
    already: int  # children with a proposal or a decision in force
    by_setting: dict[str, int]


def propose_all(*, acting_user: Any, on: date | None = None) -> ProposeResult:
    """Proposals for every child in scope who has neither a proposal nor a decision in force."""
    if not may_propose_placements(acting_user):
        raise InclusionRefused("无权提出安置建议 / this role cannot propose placements")
    on = on or _today()
    found = candidates(acting_user, on)
    new = [_new_placement(c, on, acting_user) for c in found if c.needs_proposal]
    by_setting: dict[str, int] = {}
    for p in new:
        by_setting[p.proposed_setting] = by_setting.get(p.proposed_setting, 0) + 1
    with transaction.atomic():
        Placement.objects.bulk_create(new, batch_size=1000)
        record(
            "inclusion.propose_all",
            acting_user=acting_user,
            object_type="placement",
            detail={"on": on.isoformat(), "proposed": len(new), "by_setting": by_setting},
        )
    return ProposeResult(on, len(new), len(found) - len(new), by_setting)


def decide_placement(
    *,
    placement: Placement,
    setting: str,
    committee_members: Sequence[str],
    reason: str,
    guardian_name: str,
    guardian_consent: bool,
    consent_on: date | None,
    decided_on: date | None,
    acting_user: Any,
    special_support: bool = False,
) -> Placement:
    """The expert committee's decision (recorded by the county administrator): the setting, the members
    who took it, why, and the guardian's consent. It supersedes the child's earlier decision; the
    review falls due ``review_after_months`` later."""
    rules = placement_rules()
    _check_may_decide(placement, acting_user)
    members = _checked_decision(
        setting=setting,
        committee_members=committee_members,
        reason=reason,
        guardian_name=guardian_name,
        guardian_consent=guardian_consent,
        min_members=rules.min_committee_members,
    )
    consent_on, decided_on = _checked_decision_dates(placement, consent_on, decided_on)
    with transaction.atomic():
        superseded = _supersede_earlier_decisions(placement)
        placement.status = Placement.Status.DECIDED
        placement.setting = setting
        placement.special_support = special_support
        placement.committee_members = members
        placement.reason = reason.strip()
        placement.guardian_name = guardian_name.strip()
        placement.consent_on = consent_on
        placement.decided_on = decided_on
        placement.decided_by = acting_user if acting_user.pk else None
        placement.review_due = add_months(decided_on, rules.review_after_months)
        placement.save()
        Plan.objects.filter(person_id=placement.person_id).update(
            placement=placement, home_teaching=setting == Setting.HOME
        )
        record(
            "inclusion.decide",
            acting_user=acting_user,
            object_type="placement",
            object_id=placement.pk,
            detail={
                "setting": setting,
                "proposed": placement.proposed_setting,
                "members": members,
                "consent_on": consent_on.isoformat(),
                "supersedes": superseded,
            },
        )
    return placement


def _check_may_decide(placement: Placement, acting_user: Any) -> None:
    """Only the county records committee decisions, on a proposed placement in its scope."""
    if not may_decide_placements(acting_user):
        raise InclusionRefused(
            "只有县级管理员可代专家委员会录入决定 / only the county records committee decisions"
        )
    if (
        not may_read_inclusion(acting_user)
        or not Placement.objects.filter(placement_scope(acting_user), pk=placement.pk).exists()
    ):
        raise InclusionRefused("该安置不在您的管辖范围 / the placement is not in your scope")
    if placement.status != Placement.Status.PROPOSED:
        raise InclusionRefused("该安置已决定 / the placement is already decided", field="status")


def _checked_decision(
    *,
    setting: str,
    committee_members: Sequence[str],
    reason: str,
    guardian_name: str,
    guardian_consent: bool,
    min_members: int,
) -> list[str]:
    """A known setting, at least ``min_members`` committee members, a reason, the guardian's name and
    consent. Returns the members named (blank entries dropped)."""
    if setting not in Setting.values:
        raise InclusionRefused(
            f"未知的安置方式 / setting: unknown value {setting!r}", field="setting"
        )
    members = [m.strip() for m in committee_members if m and m.strip()]
    if len(members) < min_members:
        raise InclusionRefused(
            f"请填写至少{min_members}名专家委员会成员 / committee_members: name at least "
            f"{min_members} members of the committee",
            field="committee_members",
        )
    if not reason.strip():
        raise InclusionRefused(
            "请填写决定理由 / reason: say why the committee decided so", field="reason"
        )
    if not guardian_name.strip():
        raise InclusionRefused(
            "请填写监护人姓名 / guardian_name is required", field="guardian_name"
        )
    if not guardian_consent:
        raise InclusionRefused(
            "没有监护人同意，不能录入决定 / guardian_consent: the guardian's consent is required",
            field="guardian_consent",
        )
    return members


def _checked_decision_dates(
    placement: Placement, consent_on: date | None, decided_on: date | None
) -> tuple[date, date]:
    """The consent and decision days, given and not in the future; the decision not before the
    proposal."""
    consent_on = _not_future(consent_on, "consent_on", "监护人同意日期")
    decided_on = _not_future(decided_on, "decided_on", "决定日期")
    if decided_on < placement.proposed_on:
        raise InclusionRefused(
            f"决定日期早于建议日期 {placement.proposed_on} / decided_on: before the proposal",
            field="decided_on",
        )
    return consent_on, decided_on


def _supersede_earlier_decisions(placement: Placement) -> list[int]:
    """Mark the child's decided placements superseded (inside the caller's transaction); returns their
    ids."""
    earlier = Placement.objects.select_for_update().filter(
        person_id=placement.person_id, status=Placement.Status.DECIDED
    )
    superseded = list(earlier.values_list("pk", flat=True))
    earlier.update(status=Placement.Status.SUPERSEDED, updated_at=timezone.now())
    return superseded
