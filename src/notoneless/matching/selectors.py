"""Reads of matching, scoped to what the user may see: findings of the latest run and the register records
the review queue shows.

- County administrator, aid officer and auditor (and superusers) see the whole county.
- A township officer sees findings in the township (by the child's village or the school's township) and
  candidate pairs whose record lies in a village of the township or whose person is in the officer's scope.
- A school officer sees findings at the school (and, for out-of-school leads, those in the school's
  township with no school), and candidate pairs whose person studies at the school this term.
- Teachers see none of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from notoneless.accounts.models import Role
from notoneless.matching.models import Finding, MatchRun, RecordKind
from notoneless.registry.models import (
    AssistanceRecord,
    DisabilityRecord,
    Division,
    HardshipListRecord,
    HukouRecord,
    PovertyMember,
    RegisterRecord,
    School,
    StudyElsewhereRecord,
)
from notoneless.registry.selectors import is_county_wide, persons_for, schools_for

__all__ = [
    "RECORD_MODELS",
    "findings_for",
    "get_finding",
    "latest_run",
    "may_decide",
    "may_review",
    "may_verify",
    "pair_scope",
    "records_by_kind",
    "scope_kind",
    "townships_for",
]

RECORD_MODELS: dict[str, type[RegisterRecord]] = {
    RecordKind.HOUSEHOLDS.value: PovertyMember,
    RecordKind.ASSISTANCE.value: AssistanceRecord,
    RecordKind.DISABILITY.value: DisabilityRecord,
    RecordKind.HUKOU.value: HukouRecord,
    RecordKind.ELSEWHERE.value: StudyElsewhereRecord,
    RecordKind.HARDSHIP_LIST.value: HardshipListRecord,
}
DECIDING_COUNTY_ROLES = frozenset({Role.COUNTY_ADMIN, Role.AID_OFFICER})
PLACED_ROLES = frozenset({Role.SCHOOL_OFFICER, Role.TOWNSHIP_OFFICER})
_NOTHING = Q(pk__in=[])
CHUNK = 5000


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def scope_kind(user: Any) -> str:
    """``county``, ``school``, ``township`` or ``none`` (teachers, inactive accounts, roles without
    their place)."""
    if not _active(user):
        return "none"
    if is_county_wide(user):
        return "county"
    if user.role == Role.SCHOOL_OFFICER and user.school_id:
        return "school"
    if user.role == Role.TOWNSHIP_OFFICER and user.township_id:
        return "township"
    return "none"


def may_review(user: Any) -> bool:
    """Reads the queue and the findings: county roles, township and school officers."""
    return scope_kind(user) != "none"


def may_decide(user: Any) -> bool:
    """Decides pairs: the county administrator and aid officer anywhere, township and school officers
    in their scope (the action checks the pair); auditors only read."""
    if scope_kind(user) == "none":
        return False
    return bool(
        user.is_superuser or user.role in DECIDING_COUNTY_ROLES or user.role in PLACED_ROLES
    )


may_verify = may_decide


# --- runs and findings ---------------------------------------------------------------------------


def latest_run() -> MatchRun | None:
    """The latest run that produced findings (the latest run at all if none has)."""
    with_findings = MatchRun.objects.filter(findings__isnull=False).distinct()
    return with_findings.order_by("-started_at", "-pk").first() or MatchRun.objects.first()


def finding_scope(user: Any) -> Q:
    kind = scope_kind(user)
    if kind == "county":
        return Q()
    if kind == "township":
        return Q(township_id=user.township_id) | Q(school__township_id=user.township_id)
    if kind == "school":
        own = Q(school__in=schools_for(user).values("pk"))
        township = School.objects.filter(pk=user.school_id).values("township_id")
        lead = Q(kind=Finding.Kind.OUT_OF_SCHOOL, school__isnull=True, township_id__in=township)
        return own | lead
    return _NOTHING


def findings_for(
    user: Any,
    kind: str,
    *,
    run: MatchRun | None = None,
    township: str | None = None,
    school: str | None = None,
) -> QuerySet[Finding]:
    """The findings of one kind of the run (default: the latest) in the user's scope, filtered by
    township code and school code, with person, school and township."""
    run = run or latest_run()
    if run is None:
        return Finding.objects.none()
    found = Finding.objects.filter(finding_scope(user), run=run, kind=kind)
    if township:
        found = found.filter(Q(township__code=township) | Q(school__township__code=township))
    if school:
        found = found.filter(school__code=school)
    return found.select_related("person", "school", "township", "verified_by").order_by(
        "township__code", "school__code", "pk"
    )


def get_finding(user: Any, finding_id: int) -> Finding:
    finding = (
        Finding.objects.filter(finding_scope(user), pk=finding_id)
        .select_related("person", "school", "township", "run")
        .first()
    )
    if finding is None:
        raise Http404("no such finding")
    return finding


def townships_for(user: Any) -> list[Division]:
    """Townships the findings filter offers."""
    townships = Division.objects.filter(level=Division.Level.TOWNSHIP)
    kind = scope_kind(user)
    if kind == "township":
        townships = townships.filter(pk=user.township_id)
    elif kind == "school":
        townships = townships.filter(schools__in=schools_for(user).values("pk")).distinct()
    elif kind != "county":
        return []
    return list(townships.order_by("code"))


# --- candidate pairs -----------------------------------------------------------------------------


def pair_scope(user: Any) -> Q:
    """Pairs the user may see, as a condition on ``CandidatePair``: county roles all; a school officer
    those whose person studies at the school this term; a township officer those whose record lies in
    a village of the township, or whose person is in the officer's scope."""
    kind = scope_kind(user)
    if kind == "county":
        return Q()
    if kind == "none":
        return _NOTHING
    scope = Q(person__in=persons_for(user).values("pk"))
    if kind == "township":
        for record_kind, model in RECORD_MODELS.items():
            ids = model._default_manager.filter(village__parent_id=user.township_id).values("pk")
            scope |= Q(record_kind=record_kind, record_id__in=ids)
    return scope


def records_by_kind(wanted: Iterable[tuple[str, int]]) -> dict[tuple[str, int], Model]:
    """Register records by (kind, id), with their village and township: one query per kind."""
    ids: dict[str, list[int]] = {}
    for kind, record_id in wanted:
        ids.setdefault(kind, []).append(record_id)
    out: dict[tuple[str, int], Model] = {}
    for kind, record_ids in ids.items():
        model = RECORD_MODELS.get(kind)
        if model is None:
            continue
        for start in range(0, len(record_ids), CHUNK):
            chunk = record_ids[start : start + CHUNK]
            related = ["village", "village__parent"]
            if model is PovertyMember:
                related.append("household")
            records = model._default_manager.filter(pk__in=chunk).select_related(*related)
            out.update({(kind, record.pk): record for record in records})
    return out
