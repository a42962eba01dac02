"""The term's way from computed lists to approved payments.

School: check the list, post the public notice (公示), submit. County: compile the term (all lists in),
approve it (a second person), export payments (a third). Approval freezes the term: later register edits
do not change it; corrections are adjustments with a reason.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from notoneless.accounts.models import Role
from notoneless.aid.errors import AidRefused
from notoneless.aid.models import Adjustment, AidTerm, Entitlement, PaymentLine, SchoolList
from notoneless.audit.actions import record
from notoneless.registry.models import School
from notoneless.registry.selectors import schools_for

COUNTY_AID_ROLES = frozenset({Role.AID_OFFICER, Role.COUNTY_ADMIN})


def require_county_aid_role(user: Any) -> None:
    if not (getattr(user, "is_superuser", False) or getattr(user, "role", "") in COUNTY_AID_ROLES):
        raise AidRefused(_("Only the county aid office may do this."))


def _require_school_access(user: Any, school: School) -> None:
    if getattr(user, "role", "") == Role.AUDITOR or getattr(user, "role", "") == Role.TEACHER:
        raise AidRefused(_("Your role may not change aid lists."))
    if not schools_for(user).filter(pk=school.pk).exists():
        raise AidRefused(_("%(school)s is not one of your schools.") % {"school": school.name})


def _locked_term(aid_term: AidTerm) -> AidTerm:
    return AidTerm.objects.select_for_update().select_related("term").get(pk=aid_term.pk)


def submit_school_list(
    *, aid_term: AidTerm, school: School, notice_start: date | None, acting_user: Any
) -> SchoolList:
    """The school has checked its list and posted its notice on ``notice_start`` (default today)."""
    _require_school_access(acting_user, school)
    with transaction.atomic():
        aid_term = _locked_term(aid_term)
        if aid_term.state != AidTerm.State.OPEN:
            raise AidRefused(_("The term is already compiled; ask the county to reopen it."))
        if not Entitlement.objects.filter(aid_term=aid_term, school=school).exists():
            raise AidRefused(
                _("%(school)s has nobody entitled this term.") % {"school": school.name}
            )
        listing, _created = SchoolList.objects.get_or_create(aid_term=aid_term, school=school)
        listing.state = SchoolList.State.SUBMITTED
        listing.submitted_by = acting_user
        listing.submitted_at = timezone.now()
        listing.notice_start = notice_start or timezone.localdate()
        listing.note = ""
        listing.save()
        record(
            "aid.list.submit",
            acting_user=acting_user,
            object_type="SchoolList",
            object_id=listing.pk,
            detail={
                "term": aid_term.term.code,
                "school": school.code,
                "notice_start": listing.notice_start.isoformat(),
            },
        )
    return listing


def return_school_list(
    *, aid_term: AidTerm, school: School, note: str, acting_user: Any
) -> SchoolList:
    """The county sends a list back to the school with what to correct."""
    require_county_aid_role(acting_user)
    with transaction.atomic():
        aid_term = _locked_term(aid_term)
        if aid_term.state != AidTerm.State.OPEN:
            raise AidRefused(_("The term is already compiled; reopen it first."))
        listing, _created = SchoolList.objects.get_or_create(aid_term=aid_term, school=school)
        listing.state = SchoolList.State.RETURNED
        listing.note = note
        listing.save()
        record(
            "aid.list.return",
            acting_user=acting_user,
            object_type="SchoolList",
            object_id=listing.pk,
            detail={"school": school.code, "note": note},
        )
    return listing


def schools_not_submitted(aid_term: AidTerm) -> list[School]:
    entitled = Entitlement.objects.filter(aid_term=aid_term).values("school_id")
    submitted = SchoolList.objects.filter(
        aid_term=aid_term, state=SchoolList.State.SUBMITTED
    ).values("school_id")
    return list(School.objects.filter(pk__in=entitled).exclude(pk__in=submitted).order_by("code"))


def compile_term(*, aid_term: AidTerm, acting_user: Any) -> AidTerm:
    """Every school with someone entitled has submitted: the term goes for approval."""
    require_county_aid_role(acting_user)
    with transaction.atomic():
        aid_term = _locked_term(aid_term)
        if aid_term.state != AidTerm.State.OPEN:
            raise AidRefused(
                _("The term is %(state)s, not open.") % {"state": aid_term.get_state_display()}
            )
        if not aid_term.runs.exists():
            raise AidRefused(_("Compute the term before compiling it."))
        missing = schools_not_submitted(aid_term)
        if missing:
            raise AidRefused(
                _("%(n)d schools have not submitted their lists: %(names)s")
                % {"n": len(missing), "names": "、".join(s.name for s in missing[:10])}
            )
        aid_term.state = AidTerm.State.COMPILED
        aid_term.compiled_by = acting_user
        aid_term.compiled_at = timezone.now()
        aid_term.save(update_fields=["state", "compiled_by", "compiled_at"])
        record(
            "aid.term.compile",
            acting_user=acting_user,
            object_type="AidTerm",
            object_id=aid_term.pk,
            detail=_totals(aid_term),
        )
    return aid_term


def reopen_term(*, aid_term: AidTerm, acting_user: Any) -> AidTerm:
    require_county_aid_role(acting_user)
    with transaction.atomic():
        changed = AidTerm.objects.filter(pk=aid_term.pk, state=AidTerm.State.COMPILED).update(
            state=AidTerm.State.OPEN, compiled_by=None, compiled_at=None
        )
        if not changed:
            raise AidRefused(_("Only a compiled term that is not yet approved can be reopened."))
        record(
            "aid.term.reopen", acting_user=acting_user, object_type="AidTerm", object_id=aid_term.pk
        )
    aid_term.refresh_from_db()
    return aid_term


def approve_term(*, aid_term: AidTerm, acting_user: Any) -> AidTerm:
    """A second person approves the compiled term, which freezes it. Of two approvals at once exactly
    one wins: the state changes by a conditional update."""
    require_county_aid_role(acting_user)
    with transaction.atomic():
        current = AidTerm.objects.get(pk=aid_term.pk)
        if current.compiled_by_id == acting_user.pk:
            raise AidRefused(_("The person who compiled the term may not approve it."))
        won = (
            AidTerm.objects.filter(pk=aid_term.pk, state=AidTerm.State.COMPILED)
            .exclude(compiled_by=acting_user)
            .update(
                state=AidTerm.State.APPROVED, approved_by=acting_user, approved_at=timezone.now()
            )
        )
        if not won:
            raise AidRefused(
                _("The term is not awaiting approval (already approved, or not compiled).")
            )
        record(
            "aid.term.approve",
            acting_user=acting_user,
            object_type="AidTerm",
            object_id=aid_term.pk,
            detail=_totals(current),
        )
    aid_term.refresh_from_db()
    return aid_term


def adjust_entitlement(
    *, entitlement: Entitlement, amount_fen: int, reason: str, acting_user: Any
) -> Adjustment:
    """Correct a frozen entitlement's amount, with the reason; a paid one can no longer change."""
    require_county_aid_role(acting_user)
    if not reason.strip():
        raise AidRefused(_("An adjustment needs a reason."))
    if amount_fen < 0:
        raise AidRefused(_("An amount cannot be negative."))
    with transaction.atomic():
        locked = Entitlement.objects.select_for_update().get(pk=entitlement.pk)
        if (
            PaymentLine.objects.filter(entitlement=locked)
            .exclude(status=PaymentLine.Status.FAILED)
            .exists()
        ):
            raise AidRefused(_("This entitlement is already in a payment; it cannot change now."))
        adjustment = Adjustment.objects.create(
            entitlement=locked,
            old_amount_fen=locked.amount_fen,
            new_amount_fen=amount_fen,
            reason=reason.strip(),
            acting_user=acting_user,
            at=timezone.now(),
        )
        locked.amount_fen = amount_fen
        locked.updated_at = timezone.now()
        locked.save(update_fields=["amount_fen", "updated_at"])
        record(
            "aid.entitlement.adjust",
            acting_user=acting_user,
            object_type="Entitlement",
            object_id=locked.pk,
            detail={
                "old_fen": adjustment.old_amount_fen,
                "new_fen": amount_fen,
                "reason": adjustment.reason,
            },
        )
    return adjustment


def _totals(aid_term: AidTerm) -> dict[str, Any]:
    due = Entitlement.objects.filter(aid_term=aid_term, status=Entitlement.Status.DUE)
    return {
        "term": aid_term.term.code,
        "entitlements": due.count(),
        "fen": int(due.aggregate(s=Sum("amount_fen"))["s"] or 0),
    }
