"""Working a case (劝返): recording its steps and its outcome. Each action checks the user may act on the
case, refuses bad input with a clear message (Chinese / English) and changes nothing when it refuses,
runs in one transaction and writes one audit row."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from notoneless.audit.actions import record
from notoneless.registry.models import School
from notoneless.retention.access import may_close_cases, may_work_cases
from notoneless.retention.dropout_rules import default_rules
from notoneless.retention.errors import RetentionRefused
from notoneless.retention.models import Case, CaseStep

__all__ = ["close_case", "record_step"]

Outcome = Case.Outcome


def _today() -> date:
    return timezone.localdate()


def _check_open(case: Case) -> None:
    if not case.is_open:
        raise RetentionRefused("个案已结案，不能再修改 / the case is closed")


def _check_day(day: date, case: Case, what: str) -> None:
    if day > _today():
        raise RetentionRefused(f"{what}不能是将来的日期 / {what}: the date is in the future")
    if day < case.opened_on:
        raise RetentionRefused(
            f"{what}早于立案日期 {case.opened_on} / {what}: before the case opened"
        )


def record_step(
    *,
    case: Case,
    kind: str,
    done_on: date,
    performed_by: str,
    notes: str,
    acting_user: Any,
    return_by: date | None = None,
) -> CaseStep:
    """Mark a step done: when, by whom, what happened. A notice sets the day the child must return by
    (``notice_return_days`` after it by default). Recording a step again corrects it."""
    if not may_work_cases(acting_user):
        raise RetentionRefused("无权办理个案 / this role cannot work cases")
    _check_open(case)
    step = case.steps.filter(kind=kind).first()
    if step is None:
        raise RetentionRefused(f"个案没有此步骤 / the case has no step {kind!r}")
    _check_day(done_on, case, "办理日期")
    if not performed_by.strip():
        raise RetentionRefused("请填写参与人员 / name the people who carried out the step")
    if kind == CaseStep.Kind.NOTICE:
        return_by = return_by or done_on + timedelta(days=default_rules().notice_return_days)
        if return_by <= done_on:
            raise RetentionRefused("返校期限须晚于通知日期 / return-by must be after the notice")
    elif return_by is not None:
        raise RetentionRefused("只有限期返校通知书有返校期限 / only a notice sets a return-by day")
    with transaction.atomic():
        step.done_on, step.performed_by, step.notes = done_on, performed_by.strip(), notes.strip()
        step.return_by, step.done_by = return_by, acting_user
        step.save()
        Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
        record(
            "retention.step",
            acting_user=acting_user,
            object_type="case",
            object_id=case.pk,
            detail={"kind": kind, "done_on": done_on.isoformat(), "performed_by": performed_by},
        )
    return step


# what each outcome needs besides a date and a note
_NEEDS = {
    Outcome.TRANSFERRED: ("receiving_school", "转入学校 / the receiving school"),
    Outcome.MOVED_AWAY: ("destination", "迁往地 / where the family moved"),
    Outcome.DEFERRED: ("certificate", "医院证明 / the medical certificate"),
}


def close_case(
    *,
    case: Case,
    outcome: str,
    closed_on: date,
    note: str,
    acting_user: Any,
    receiving_school: School | None = None,
    destination: str = "",
    certificate: str = "",
) -> Case:
    """Close a case with its outcome (劝返一个, 销号一个). A child who returned is followed for
    ``follow_up_days``: a new case within that time names the one it relapses from."""
    if not may_close_cases(acting_user):
        raise RetentionRefused("无权结案 / this role cannot close cases")
    _check_open(case)
    if outcome not in Outcome.values:
        raise RetentionRefused(f"未知的结案结果 / unknown outcome {outcome!r}")
    _check_day(closed_on, case, "结案日期")
    destination, certificate = destination.strip(), certificate.strip()
    given = {
        "receiving_school": receiving_school is not None,
        "destination": bool(destination),
        "certificate": bool(certificate),
    }
    needs = _NEEDS.get(Outcome(outcome))
    if needs and not given[needs[0]]:
        raise RetentionRefused(f"请填写{needs[1]}")
    if receiving_school is not None and receiving_school.pk == case.school_id:
        raise RetentionRefused(
            "转入学校不能是原学校 / the receiving school is the one the child left"
        )
    with transaction.atomic():
        case.status, case.outcome, case.closed_on = Case.Status.CLOSED, outcome, closed_on
        case.closed_by, case.outcome_note = acting_user, note.strip()
        case.receiving_school = receiving_school if outcome == Outcome.TRANSFERRED else None
        case.destination = destination if outcome == Outcome.MOVED_AWAY else ""
        case.certificate = certificate if outcome == Outcome.DEFERRED else ""
        case.follow_until = (
            closed_on + timedelta(days=default_rules().follow_up_days)
            if outcome == Outcome.RETURNED
            else None
        )
        case.save()
        record(
            "retention.close",
            acting_user=acting_user,
            object_type="case",
            object_id=case.pk,
            detail={"outcome": outcome, "closed_on": closed_on.isoformat()},
        )
    return case
