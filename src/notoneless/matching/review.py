"""The review queue (复核) and the verification of out-of-school leads (核查): actions and the reads they
need. Every action is keyword-only, atomic and audited; a refusal raises ``MatchingRefused`` and changes
nothing.

``apply_link`` ties one record to a person through ``links.link_records``, the bulk path the engine
uses; ``remove_link`` unties it and derives the person's facts again from the records still linked.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from notoneless.audit.actions import record
from notoneless.matching.errors import MatchingRefused
from notoneless.matching.links import link_records
from notoneless.matching.models import CandidatePair, Finding, RecordKind
from notoneless.matching.selectors import (
    RECORD_MODELS,
    finding_scope,
    may_decide,
    may_verify,
    pair_scope,
    scope_kind,
)
from notoneless.registry import protection
from notoneless.registry.choices import AssistanceCategory
from notoneless.registry.models import (
    AssistanceRecord,
    DisabilityRecord,
    Person,
    PovertyMember,
    RegisterRecord,
    School,
    StudyElsewhereRecord,
    Term,
)

__all__ = [
    "DECISIONS",
    "apply_link",
    "auto_links",
    "decide",
    "get_pair",
    "pending_pairs",
    "remove_link",
    "undo_auto_link",
    "verify_out_of_school",
]

S = CandidatePair.Status
DECISIONS = {"accept": S.ACCEPTED, "reject": S.REJECTED, "unsure": S.UNSURE}
OPEN_STATUSES = (S.PENDING, S.UNSURE)
NOTE_MAX = 500
IDENTITY_FIELDS = (
    "name",
    "name_norm",
    "name_pinyin",
    "sex",
    "birth_date",
    "id_number_enc",
    "id_number_hash",
    "id_number_masked",
    "id_status",
)


# --- links ---------------------------------------------------------------------------------------


def _model(kind: str) -> type[RegisterRecord]:
    model = RECORD_MODELS.get(kind)
    if model is None:
        raise MatchingRefused(_("Unknown register: %(kind)s.") % {"kind": kind})
    return model


def apply_link(kind: str, record_id: int, person_id: int, method: str) -> None:
    """Tie the record to the person and set the facts the record carries on the person."""
    _model(kind)
    link_records(
        pl.DataFrame(
            {"kind": [str(kind)], "record_id": [record_id], "person_id": [person_id]},
            schema={"kind": pl.String, "record_id": pl.Int64, "person_id": pl.Int64},
        ),
        method,
    )


def remove_link(kind: str, record_id: int) -> int | None:
    """Untie the record from its person and derive the person's facts again from the records still
    linked to them; returns the person it was linked to (None if it was not linked)."""
    model = _model(kind)
    found = model._default_manager.filter(pk=record_id).values_list("person_id", flat=True)
    person_id = found[0] if found else None
    if person_id is None:
        return None
    model._default_manager.filter(pk=record_id).update(
        person_id=None, link_method="", updated_at=timezone.now()
    )
    if kind == RecordKind.HOUSEHOLDS:
        _rederive_household(person_id, record_id)
    elif kind == RecordKind.DISABILITY:
        disabled = DisabilityRecord.objects.filter(person_id=person_id).exists()
        Person.objects.filter(pk=person_id).update(disabled=disabled, updated_at=timezone.now())
    elif kind == RecordKind.ASSISTANCE and _is_orphan_record(record_id):
        orphan = AssistanceRecord.objects.filter(
            person_id=person_id, category=AssistanceCategory.ORPHAN
        ).exists()
        Person.objects.filter(pk=person_id).update(orphan=orphan, updated_at=timezone.now())
    return int(person_id)


def _is_orphan_record(record_id: int) -> bool:
    return AssistanceRecord.objects.filter(
        pk=record_id, category=AssistanceCategory.ORPHAN
    ).exists()


def _rederive_household(person_id: int, removed_id: int) -> None:
    """Another linked member record gives the household; with none left, the person keeps a household
    only if it is not the one the removed record gave (e.g. the student roster's own 户编号)."""
    other = (
        PovertyMember.objects.filter(person_id=person_id)
        .order_by("-pk")
        .values("household_id", "relation_to_head")
        .first()
    )
    person = Person.objects.filter(pk=person_id)
    if other is not None:
        person.update(**other, updated_at=timezone.now())
        return
    removed = PovertyMember.objects.filter(pk=removed_id).values_list("household_id", flat=True)
    person.filter(household_id__in=list(removed)).update(
        household_id=None, relation_to_head="", updated_at=timezone.now()
    )


# --- the queue -----------------------------------------------------------------------------------


def pending_pairs(user: Any, kind: str | None = None) -> QuerySet[CandidatePair]:
    """Pairs awaiting a decision (pending first, then those marked unsure), most likely first, in the
    user's scope; optionally of one register."""
    pairs = CandidatePair.objects.filter(pair_scope(user), status__in=OPEN_STATUSES)
    if kind:
        pairs = pairs.filter(record_kind=kind)
    unsure_last = Case(
        When(status=S.UNSURE, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    return pairs.select_related("person", "run").order_by(unsure_last, "-match_probability", "pk")


def auto_links(user: Any, kind: str | None = None) -> QuerySet[CandidatePair]:
    """Links the engine made on its own, in the user's scope, the least certain first: the ones to
    check and perhaps undo."""
    pairs = CandidatePair.objects.filter(pair_scope(user), status=S.AUTO_LINKED)
    if kind:
        pairs = pairs.filter(record_kind=kind)
    return pairs.select_related("person", "run").order_by("match_probability", "pk")


def get_pair(user: Any, pair_id: int) -> CandidatePair:
    pair = (
        CandidatePair.objects.filter(pair_scope(user), pk=pair_id).select_related("person").first()
    )
    if pair is None:
        raise Http404("no such pair")
    return pair


def _locked_pair(pair: CandidatePair, acting_user: Any) -> CandidatePair:
    """The pair, locked, if the user may decide it: refused otherwise."""
    if not may_decide(acting_user):
        raise MatchingRefused(_("Your role may not decide candidate pairs."))
    locked = (
        CandidatePair.objects.select_for_update()
        .filter(pair_scope(acting_user), pk=pair.pk)
        .first()
    )
    if locked is None:
        raise MatchingRefused(_("That pair is not in your scope."))
    return locked


def _check_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise MatchingRefused(_("The note is too long (at most 500 characters)."))
    return note


def decide(
    *, pair: CandidatePair, decision: str, note: str = "", acting_user: Any
) -> CandidatePair:
    """Accept (link the record to the person), reject or mark unsure a pair awaiting review; the
    decision stays with the pair, so a later run does not ask again."""
    if decision not in DECISIONS:
        raise MatchingRefused(_("Decide accept, reject or unsure."))
    note = _check_note(note)
    with transaction.atomic():
        locked = _locked_pair(pair, acting_user)
        if locked.status not in OPEN_STATUSES:
            raise MatchingRefused(
                _("That pair was already decided: %(status)s.")
                % {"status": locked.get_status_display()}
            )
        status = DECISIONS[decision]
        others = 0
        if status == S.ACCEPTED:
            others = _accept(locked, acting_user)
        _set_status(locked, status, note, acting_user)
        record(
            f"matching.{decision}",
            acting_user=acting_user,
            object_type="CandidatePair",
            object_id=locked.pk,
            detail={
                "record_kind": locked.record_kind,
                "record_id": locked.record_id,
                "person_id": locked.person_id,
                "match_probability": locked.match_probability,
                "note": note,
                "other_candidates_rejected": others,
            },
        )
    return locked


def _accept(pair: CandidatePair, acting_user: Any) -> int:
    model = _model(pair.record_kind)
    linked = model._default_manager.filter(pk=pair.record_id).values_list("person_id", flat=True)
    if not linked:
        raise MatchingRefused(_("The register record no longer exists."))
    if linked[0] is not None and linked[0] != pair.person_id:
        raise MatchingRefused(
            _("The record is already linked to another person; undo that link first.")
        )
    apply_link(pair.record_kind, pair.record_id, pair.person_id, RegisterRecord.LinkMethod.MANUAL)
    # the record has its person: the other candidates for it need no decision
    return (
        CandidatePair.objects.filter(
            record_kind=pair.record_kind, record_id=pair.record_id, status__in=OPEN_STATUSES
        )
        .exclude(pk=pair.pk)
        .update(
            status=S.REJECTED,
            decided_by=acting_user,
            decided_at=timezone.now(),
            note=_("another candidate was accepted"),
        )
    )


def _set_status(pair: CandidatePair, status: str, note: str, acting_user: Any) -> None:
    pair.status = status
    pair.note = note
    pair.decided_by = acting_user
    pair.decided_at = timezone.now()
    pair.save(update_fields=["status", "note", "decided_by", "decided_at"])


def undo_auto_link(*, pair: CandidatePair, note: str = "", acting_user: Any) -> CandidatePair:
    """Undo a link the engine made: the record is untied and the person's facts derived again from
    the records still linked to them; the pair is remembered as undone."""
    note = _check_note(note)
    with transaction.atomic():
        locked = _locked_pair(pair, acting_user)
        if locked.status != S.AUTO_LINKED:
            raise MatchingRefused(
                _("Only an automatic link can be undone; this pair is %(status)s.")
                % {"status": locked.get_status_display()}
            )
        model = _model(locked.record_kind)
        current = model._default_manager.filter(pk=locked.record_id).values_list(
            "person_id", flat=True
        )
        unlinked = None
        if current and current[0] == locked.person_id:
            unlinked = remove_link(locked.record_kind, locked.record_id)
        _set_status(locked, S.UNDONE, note, acting_user)
        record(
            "matching.undo",
            acting_user=acting_user,
            object_type="CandidatePair",
            object_id=locked.pk,
            detail={
                "record_kind": locked.record_kind,
                "record_id": locked.record_id,
                "person_id": locked.person_id,
                "unlinked": unlinked is not None,
                "note": note,
            },
        )
    return locked


# --- verification of out-of-school leads ---------------------------------------------------------

V = Finding.Verification
OUTCOMES = {V.STUDYING_ELSEWHERE, V.MOVED_AWAY, V.DEFERRED, V.CONFIRMED}


def may_verify_finding(user: Any, finding: Finding) -> bool:
    """County administrator and aid officer; the township officer of the child's township; a school
    officer of a school in that township (or of the school the child was last at)."""
    if not may_verify(user):
        return False
    kind = scope_kind(user)
    if kind == "county":
        return True
    if kind == "township":
        return finding.township_id == user.township_id
    township = School.objects.filter(pk=user.school_id).values_list("township_id", flat=True)
    return finding.school_id == user.school_id or finding.township_id in list(township)


def verify_out_of_school(
    *,
    finding: Finding,
    outcome: str,
    note: str = "",
    acting_user: Any,
    school: str = "",
    place: str = "",
    evidence: str = "",
) -> Finding:
    """Record what the township and school found: studying elsewhere (kept as a record of studying
    elsewhere, with school, place and evidence, so later runs do not raise the child again), moved
    away, deferred or exempted, or confirmed out of school."""
    note = _check_note(note)
    if outcome not in OUTCOMES:
        raise MatchingRefused(
            _("Choose studying elsewhere, moved away, deferred or confirmed out of school.")
        )
    with transaction.atomic():
        locked = Finding.objects.select_for_update().filter(pk=finding.pk).first()
        if (
            locked is None
            or not Finding.objects.filter(finding_scope(acting_user), pk=finding.pk).exists()
        ):
            raise MatchingRefused(_("That finding is not in your scope."))
        _check_verifiable(locked, acting_user)
        elsewhere_id = None
        if outcome == V.STUDYING_ELSEWHERE:
            elsewhere_id = _record_elsewhere(locked, school, place, evidence)
        if outcome == V.CONFIRMED and locked.person_id is None:
            locked.person_id = _person_from_record(locked)
        locked.verification = outcome
        locked.verification_note = note
        locked.verified_by = acting_user
        locked.verified_at = timezone.now()
        locked.save(
            update_fields=[
                "verification",
                "verification_note",
                "verified_by",
                "verified_at",
                "person",
            ]
        )
        record(
            "matching.verify",
            acting_user=acting_user,
            object_type="Finding",
            object_id=locked.pk,
            detail={"outcome": outcome, "note": note, "elsewhere_record": elsewhere_id},
        )
    return locked


def _check_verifiable(finding: Finding, acting_user: Any) -> None:
    if finding.kind != Finding.Kind.OUT_OF_SCHOOL:
        raise MatchingRefused(_("Only out-of-school leads are verified."))
    if not may_verify_finding(acting_user, finding):
        raise MatchingRefused(_("Your role may not verify this lead."))
    if finding.verification != V.OPEN:
        raise MatchingRefused(
            _("This lead was already verified: %(outcome)s.")
            % {"outcome": finding.get_verification_display()}
        )


def _person_from_record(finding: Finding) -> int:
    """A child confirmed out of school whom only a register knows becomes a person, linked to that
    record, so a return-to-school case can follow them (and a later roster finds them by ID)."""
    source = _model(finding.record_kind)._default_manager.filter(pk=finding.record_id).first()
    if source is None:
        raise MatchingRefused(_("The register record of this lead no longer exists."))
    identity = {f: getattr(source, f) for f in IDENTITY_FIELDS}
    person = Person.objects.create(**identity, hukou_village_id=source.village_id)
    apply_link(finding.record_kind, source.pk, person.pk, RegisterRecord.LinkMethod.MANUAL)
    return person.pk


def _record_elsewhere(finding: Finding, school: str, place: str, evidence: str) -> int:
    """The small insert of a record of studying elsewhere, copied from the lead's register record."""
    school, place, evidence = school.strip(), place.strip(), evidence.strip()
    if not (school and place and evidence):
        raise MatchingRefused(_("Studying elsewhere needs the school, the place and the evidence."))
    source = _model(finding.record_kind)._default_manager.filter(pk=finding.record_id).first()
    if source is None:
        raise MatchingRefused(_("The register record of this lead no longer exists."))
    term = Term.objects.filter(code=(finding.detail or {}).get("term", "")).first()
    created = StudyElsewhereRecord.objects.create(
        record_key=protection.lookup_hash(f"elsewhere|verified|{finding.pk}"),
        **{f: getattr(source, f) for f in IDENTITY_FIELDS},
        village_id=source.village_id,
        person_id=source.person_id,
        link_method=source.link_method,
        term=term,
        school_name=school[:100],
        place=place[:100],
        evidence=evidence[:200],
    )
    return created.pk
