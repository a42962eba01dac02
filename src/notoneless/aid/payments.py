"""Paying an approved term (资金发放): payment batches, the bank file, the bank's return file.

- ``create_batch`` takes every due entitlement of one payee kind (family cards or schools) that has no
  live (pending or paid) line, and freezes where its money goes: a copy of the account's holder, bank and
  encrypted card. Entitlements without a usable account are not dropped: ``unpaid_without_account``
  lists them. A failed line's entitlement comes back in the next batch only once its account has been
  corrected (another card, or the account changed after the failure was recorded): re-issuing a failure
  is simply the next ``create_batch``; until then ``failures_awaiting_correction`` lists it.
- ``export_batch`` renders the bank file: only by a third person (neither the term's compiler nor its
  approver), only once every school's public notice has run ``NOTICE_WORKING_DAYS`` working days. It is
  the only place card and ID numbers leave their encrypted form, and it is audited. An exported batch is
  immutable; downloading it again gives the identical file (and is audited again).
- ``reconcile_batch`` reads the bank's return file, checks all of it against what was sent, and only
  then marks lines paid or failed; a file with any problem is refused whole, each problem located.

School-paid waivers have one line per entitlement, but the bank file holds one row per school (the
school's account, the sum of its lines), and the return row of a school settles all its lines.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from notoneless.aid import bankfiles, packs_store
from notoneless.aid.bankfiles import DEFAULT_LAYOUT, FORMATS, FileRow, LayoutError, Problem
from notoneless.aid.errors import AidRefused
from notoneless.aid.models import (
    AidTerm,
    Entitlement,
    Payee,
    PaymentBatch,
    PaymentLine,
    SchoolAccount,
    SchoolList,
)
from notoneless.aid.workflow import require_county_aid_role
from notoneless.audit.actions import record
from notoneless.lib.protect import mask_card_number
from notoneless.lib.workdays import CalendarNotCovered, notice_ends
from notoneless.registry import protection
from notoneless.registry.models import BankAccount, School, Term
from notoneless.registry.selectors import is_county_wide, schools_for

NOTICE_WORKING_DAYS = 5
PAYEE_LETTER = {Payee.FAMILY: "F", Payee.SCHOOL: "S"}
LIVE = (PaymentLine.Status.PENDING, PaymentLine.Status.PAID)
NO_ACCOUNT, AWAITING_CORRECTION = "no_account", "awaiting_correction"
CHUNK = 5000
LINE_ORDER = {
    Payee.FAMILY: ("school__code", "grade", "class_name", "student__person__name", "student_id"),
    Payee.SCHOOL: ("school__code", "program", "grade", "class_name", "student__person__name"),
}


class ReturnFileRefused(AidRefused):
    """A return file refused whole: ``problems`` says where each is; nothing was changed."""

    def __init__(self, file_name: str, problems: list[Problem]) -> None:
        self.file_name, self.problems = file_name, problems
        head = _("%(file)s was refused, nothing was changed: %(n)d problems.") % {
            "file": file_name,
            "n": len(problems),
        }
        super().__init__(f"{head}\n{bankfiles.describe(problems, file_name)}")


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


# --- where the money goes ------------------------------------------------------------------------


@dataclass(frozen=True)
class PayTo:
    """The account an entitlement is paid to, as copied into its line."""

    account_id: int | None
    holder_name: str
    holder_relation: str
    bank_name: str
    holder_id_enc: str
    holder_id_hash: str
    holder_id_masked: str
    card_number_enc: str
    card_number_hash: str
    card_number_masked: str
    updated_at: datetime


def _card(a: BankAccount) -> PayTo:
    return PayTo(
        a.pk,
        a.holder_name,
        a.holder_relation,
        a.bank_name,
        a.holder_id_enc,
        a.holder_id_hash,
        a.holder_id_masked,
        a.card_number_enc,
        a.card_number_hash,
        a.card_number_masked,
        a.updated_at,
    )


def _school(a: SchoolAccount) -> PayTo:
    return PayTo(
        None,
        a.account_name,
        "school",
        a.bank_name,
        "",
        "",
        "",
        a.account_number_enc,
        a.account_number_hash,
        a.account_number_masked,
        a.updated_at,
    )


def family_accounts(person_ids: list[int]) -> dict[int, PayTo]:
    """Each person's active account with a card; of several, the one updated last."""
    best: dict[int, BankAccount] = {}
    for ids in _chunks(person_ids):
        for account in (
            BankAccount.objects.filter(person_id__in=ids, active=True)
            .exclude(card_number_hash="")
            .order_by("person_id", "updated_at", "pk")
        ):
            best[account.person_id] = account
    return {person: _card(a) for person, a in best.items()}


def _school_accounts(school_ids: list[int]) -> dict[int, PayTo]:
    found = SchoolAccount.objects.filter(school_id__in=school_ids).exclude(account_number_hash="")
    return {a.school_id: _school(a) for a in found}


def _last_failures(entitlement_ids: list[int]) -> dict[int, PaymentLine]:
    last: dict[int, PaymentLine] = {}
    for ids in _chunks(entitlement_ids):
        for line in PaymentLine.objects.filter(
            entitlement_id__in=ids, status=PaymentLine.Status.FAILED
        ).order_by("entitlement_id", "pk"):
            last[line.entitlement_id] = line
    return last


def _corrected(pay_to: PayTo, failure: PaymentLine) -> bool:
    """Another card than the one that failed, or the account changed after the failure came back."""
    if pay_to.card_number_hash != failure.card_number_hash:
        return True
    return failure.settled_at is not None and pay_to.updated_at > failure.settled_at


# --- what a batch would take ---------------------------------------------------------------------


@dataclass(frozen=True)
class Unpaid:
    """An entitlement due that no batch can take yet, and why (``NO_ACCOUNT`` or
    ``AWAITING_CORRECTION``, with the bank's reason and the masked card it failed on)."""

    entitlement_id: int
    student_id: int
    student_name: str
    school_code: str
    school_name: str
    program: str
    payee: str
    amount_fen: int
    reason: str
    detail: str = ""


@dataclass
class Plan:
    payable: list[tuple[Entitlement, PayTo]]
    unpaid: list[Unpaid]
    reissued: int = 0


def _due(aid_term: AidTerm, payee: str, *, submitted_only: bool, lock: bool) -> list[Entitlement]:
    qs = Entitlement.objects.filter(
        aid_term=aid_term, payee=payee, status=Entitlement.Status.DUE, amount_fen__gt=0
    ).exclude(payments__status__in=LIVE)
    if submitted_only:
        submitted = SchoolList.objects.filter(
            aid_term=aid_term, state=SchoolList.State.SUBMITTED
        ).values("school_id")
        qs = qs.filter(school_id__in=submitted)
    if lock:  # an adjustment of the same entitlement waits for the batch, then sees its line
        qs = qs.select_for_update(of=("self",))
    qs = qs.select_related("student__person", "school")
    return list(qs.order_by(*LINE_ORDER[Payee(payee)], "program", "pk"))


def _plan(
    aid_term: AidTerm, payee: str, *, submitted_only: bool = True, lock: bool = False
) -> Plan:
    due = _due(aid_term, payee, submitted_only=submitted_only, lock=lock)
    if payee == Payee.FAMILY:
        accounts = family_accounts(sorted({e.student.person_id for e in due}))
    else:
        accounts = _school_accounts(sorted({e.school_id for e in due}))
    failures = _last_failures([e.pk for e in due])
    plan = Plan([], [])
    for e in due:
        pay_to = accounts.get(e.student.person_id if payee == Payee.FAMILY else e.school_id)
        failure = failures.get(e.pk)
        if pay_to is None:
            plan.unpaid.append(_unpaid(e, NO_ACCOUNT, failure.bank_reason if failure else ""))
        elif failure is not None and not _corrected(pay_to, failure):
            detail = f"{failure.bank_reason} ({failure.card_number_masked})"
            plan.unpaid.append(_unpaid(e, AWAITING_CORRECTION, detail))
        else:
            plan.payable.append((e, pay_to))
            plan.reissued += failure is not None
    return plan


def _unpaid(e: Entitlement, reason: str, detail: str) -> Unpaid:
    return Unpaid(
        entitlement_id=e.pk,
        student_id=e.student_id,
        student_name=e.student.person.name,
        school_code=e.school.code,
        school_name=e.school.name,
        program=e.program,
        payee=e.payee,
        amount_fen=e.amount_fen,
        reason=reason,
        detail=detail,
    )


# --- actions -------------------------------------------------------------------------------------


def _require_approved(aid_term: AidTerm) -> None:
    if aid_term.state != AidTerm.State.APPROVED:
        raise AidRefused(
            _("Term %(term)s is %(state)s: only an approved term is paid.")
            % {"term": aid_term.term.code, "state": aid_term.get_state_display()}
        )


def create_batch(*, aid_term: AidTerm, payee: str, acting_user: Any) -> PaymentBatch:
    """A draft batch of every payable due entitlement of ``payee`` (family or school) in the term."""
    require_county_aid_role(acting_user)
    if payee not in PAYEE_LETTER:
        raise AidRefused(_("A batch pays families or schools, not %(payee)s.") % {"payee": payee})
    try:
        with transaction.atomic():
            return _create_batch(aid_term, Payee(payee), acting_user)
    except IntegrityError as exc:
        # two batches at once: the term lock prevents it, the database constraint is the last guard
        raise AidRefused(
            _("Another batch is being created for this term at the same time; nothing was created.")
        ) from exc


def _create_batch(aid_term: AidTerm, payee: Payee, acting_user: Any) -> PaymentBatch:
    aid_term = (
        AidTerm.objects.select_for_update(of=("self",))
        .select_related("term", "pack")
        .get(pk=aid_term.pk)
    )
    _require_approved(aid_term)
    plan = _plan(aid_term, payee, lock=True)
    without = sum(u.reason == NO_ACCOUNT for u in plan.unpaid)
    waiting = len(plan.unpaid) - without
    if not plan.payable:
        raise AidRefused(
            _(
                "Nothing to pay to %(payee)s in %(term)s: %(without)d entitled without a usable "
                "account, %(waiting)d failed payments waiting for a corrected account."
            )
            % {
                "payee": _("families") if payee == Payee.FAMILY else _("schools"),
                "term": aid_term.term.code,
                "without": without,
                "waiting": waiting,
            }
        )
    batch = PaymentBatch.objects.create(
        aid_term=aid_term,
        number=_next_number(aid_term, payee),
        payee=payee,
        created_by=acting_user,
        created_at=timezone.now(),
    )
    PaymentLine.objects.bulk_create(
        [_line(batch, n, e, to) for n, (e, to) in enumerate(plan.payable, start=1)],
        batch_size=2000,
    )
    record(
        "aid.payment.batch",
        acting_user=acting_user,
        object_type="PaymentBatch",
        object_id=batch.pk,
        detail={
            "batch": batch.number,
            "term": aid_term.term.code,
            "payee": str(payee),
            "lines": len(plan.payable),
            "fen": sum(e.amount_fen for e, _to in plan.payable),
            "reissued": plan.reissued,
            "without_account": without,
            "awaiting_correction": waiting,
        },
    )
    return batch


def _next_number(aid_term: AidTerm, payee: Payee) -> str:
    prefix = f"{aid_term.term.code}-{PAYEE_LETTER[payee]}-"
    taken = PaymentBatch.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    last = max((int(n[len(prefix) :]) for n in taken if n[len(prefix) :].isdigit()), default=0)
    return f"{prefix}{last + 1:03d}"


def _line(batch: PaymentBatch, n: int, e: Entitlement, to: PayTo) -> PaymentLine:
    return PaymentLine(
        batch=batch,
        line_no=n,
        entitlement=e,
        amount_fen=e.amount_fen,
        account_id=to.account_id,
        holder_name=to.holder_name,
        holder_relation=to.holder_relation,
        bank_name=to.bank_name,
        holder_id_enc=to.holder_id_enc,
        holder_id_hash=to.holder_id_hash,
        holder_id_masked=to.holder_id_masked,
        card_number_enc=to.card_number_enc,
        card_number_hash=to.card_number_hash,
        card_number_masked=to.card_number_masked,
    )


def discard_batch(*, batch: PaymentBatch, acting_user: Any) -> None:
    """Delete a draft batch (its entitlements become payable again); an exported batch is immutable."""
    require_county_aid_role(acting_user)
    with transaction.atomic():
        locked = _locked_batch(batch)
        if locked.state != PaymentBatch.State.DRAFT:
            raise AidRefused(
                _("Batch %(batch)s has been exported to the bank: it can no longer change.")
                % {"batch": locked.number}
            )
        lines = locked.lines.count()
        locked.lines.all().delete()
        locked.delete()
        record(
            "aid.payment.discard",
            acting_user=acting_user,
            object_type="PaymentBatch",
            object_id=batch.pk,
            detail={"batch": batch.number, "lines": lines},
        )


def _locked_batch(batch: PaymentBatch) -> PaymentBatch:
    return (
        PaymentBatch.objects.select_for_update(of=("self",))
        .select_related("aid_term__term", "aid_term__pack")
        .get(pk=batch.pk)
    )


def set_school_account(
    *, school: School, bank_name: str, account_name: str, account_number: str, acting_user: Any
) -> SchoolAccount:
    """Record (or correct) the account a school's waivers are paid to."""
    require_county_aid_role(acting_user)
    number = "".join(account_number.split()).replace("-", "")
    if not (number.isascii() and number.isdigit() and 8 <= len(number) <= 32):
        raise AidRefused(_("An account number is 8 to 32 digits."))
    if not bank_name.strip() or not account_name.strip():
        raise AidRefused(_("Give the bank and the account name (户名)."))
    with transaction.atomic():
        account, _created = SchoolAccount.objects.update_or_create(
            school=school,
            defaults={
                "bank_name": bank_name.strip(),
                "account_name": account_name.strip(),
                "account_number_enc": protection.cipher().encrypt(number),
                "account_number_hash": protection.lookup_hash(number),
                "account_number_masked": mask_card_number(number),
                "updated_by": acting_user if getattr(acting_user, "pk", None) else None,
                "updated_at": timezone.now(),
            },
        )
        record(
            "aid.school_account.set",
            acting_user=acting_user,
            object_type="SchoolAccount",
            object_id=account.pk,
            detail={"school": school.code, "account": account.account_number_masked},
        )
    return account


# --- export --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BankFile:
    name: str
    content: bytes
    sha256: str


def export_batch(
    *,
    batch: PaymentBatch,
    acting_user: Any,
    fmt: str = "xlsx",
    layout: str | None = None,
    today: date | None = None,
) -> BankFile:
    """The bank file of the batch, with full card and ID numbers. The first export freezes the batch;
    a later one returns the identical file."""
    require_county_aid_role(acting_user)
    if fmt not in FORMATS:
        raise AidRefused(_("A bank file is xlsx or csv, not %(fmt)s.") % {"fmt": fmt})
    with transaction.atomic():
        batch = _locked_batch(batch)
        _require_approved(batch.aid_term)
        _require_third_person(batch.aid_term, acting_user)
        _require_notice_run(batch, today or timezone.localdate())
        again = batch.state != PaymentBatch.State.DRAFT
        shape = _layout(layout or batch.layout or DEFAULT_LAYOUT)
        if again and (fmt != batch.file_format or shape.name != batch.layout):
            raise AidRefused(
                _(
                    "Batch %(batch)s was exported as %(fmt)s with layout %(layout)s; download that file."
                )
                % {"batch": batch.number, "fmt": batch.file_format, "layout": batch.layout}
            )
        rows = file_rows(batch, full=True)
        created = batch.exported_at or timezone.now()
        content = bankfiles.render(shape, rows, fmt=fmt, batch_number=batch.number, created=created)
        digest = hashlib.sha256(content).hexdigest()
        if again and digest != batch.file_sha256:
            raise AidRefused(
                _(
                    "Batch %(batch)s no longer renders to the file sent to the bank; nothing was given out."
                )
                % {"batch": batch.number}
            )
        if not again:
            _mark_exported(batch, acting_user, created, digest, fmt, shape.name)
        _record_export(batch, acting_user, rows, digest, again)
    return BankFile(f"{batch.number}.{fmt}", content, digest)


def _layout(name: str) -> bankfiles.Layout:
    try:
        return bankfiles.load_layout(name)
    except LayoutError as exc:
        raise AidRefused(str(exc)) from None


def _require_third_person(aid_term: AidTerm, user: Any) -> None:
    """Three people: the compiler, the approver and the one who sends the money."""
    if user.pk == aid_term.compiled_by_id:
        raise AidRefused(_("The person who compiled the term may not export its payments."))
    if user.pk == aid_term.approved_by_id:
        raise AidRefused(_("The person who approved the term may not export its payments."))


def _require_notice_run(batch: PaymentBatch, today: date) -> None:
    """Every school of the batch posted its public notice at least ``NOTICE_WORKING_DAYS`` working
    days before today."""
    school_ids = set(
        Entitlement.objects.filter(payments__batch=batch).values_list("school_id", flat=True)
    )
    lists = {
        s.school_id: s
        for s in SchoolList.objects.filter(aid_term_id=batch.aid_term_id, school_id__in=school_ids)
    }
    early = []
    for school in School.objects.filter(pk__in=school_ids).order_by("code"):
        listing = lists.get(school.pk)
        if listing is None or listing.notice_start is None:
            early.append(_("%(school)s (no notice posted)") % {"school": school.name})
            continue
        try:
            allowed = notice_ends(listing.notice_start, NOTICE_WORKING_DAYS)
        except CalendarNotCovered as exc:
            raise AidRefused(str(exc)) from None
        if today < allowed:
            early.append(
                _("%(school)s (posted %(start)s, export allowed from %(allowed)s)")
                % {"school": school.name, "start": listing.notice_start, "allowed": allowed}
            )
    if early:
        raise AidRefused(
            _("The public notice has not yet run %(days)d working days: %(schools)s")
            % {"days": NOTICE_WORKING_DAYS, "schools": "；".join(early)}
        )


def _mark_exported(
    batch: PaymentBatch, user: Any, at: datetime, digest: str, fmt: str, layout: str
) -> None:
    batch.state = PaymentBatch.State.EXPORTED
    batch.exported_by = user
    batch.exported_at = at
    batch.file_sha256 = digest
    batch.file_format = fmt
    batch.layout = layout
    batch.save(
        update_fields=[
            "state",
            "exported_by",
            "exported_at",
            "file_sha256",
            "file_format",
            "layout",
        ]
    )


def _record_export(
    batch: PaymentBatch, user: Any, rows: list[FileRow], digest: str, again: bool
) -> None:
    record(
        "aid.payment.export",
        acting_user=user,
        object_type="PaymentBatch",
        object_id=batch.pk,
        detail={
            "batch": batch.number,
            "again": again,
            "format": batch.file_format,
            "layout": batch.layout,
            "rows": len(rows),
            "lines": sum(len(r.line_ids) for r in rows),
            "fen": sum(r.amount_fen for r in rows),
            "sha256": digest,
            "disclosed": "full card and ID numbers, for the bank",
        },
    )


def file_rows(batch: PaymentBatch, *, full: bool = False) -> list[FileRow]:
    """The rows of the batch's bank file in order; ``full`` decrypts card and ID numbers (export only)."""
    lines = list(
        batch.lines.select_related("entitlement__student__person", "entitlement__school").order_by(
            "line_no"
        )
    )
    labels = _labels(batch.aid_term)
    term = _term_label(batch.aid_term.term)
    if batch.payee == Payee.SCHOOL:
        return _school_rows(lines, labels, term, full)
    return [
        FileRow(
            row_no=line.line_no,
            holder_name=line.holder_name,
            bank_name=line.bank_name,
            amount_fen=line.amount_fen,
            card_hash=line.card_number_hash,
            line_ids=(line.pk,),
            settled=line.status != PaymentLine.Status.PENDING,
            student_name=line.entitlement.student.person.name,
            school_name=line.entitlement.school.name,
            summary=term + labels.get(line.entitlement.program, line.entitlement.program),
            holder_id=protection.decrypt(line.holder_id_enc) if full else "",
            card_number=protection.decrypt(line.card_number_enc) if full else "",
        )
        for line in lines
    ]


def _school_rows(
    lines: list[PaymentLine], labels: dict[str, str], term: str, full: bool
) -> list[FileRow]:
    """One row per school, in the order of its first line: its account and the sum of its lines."""
    by_school: dict[int, list[PaymentLine]] = {}
    for line in lines:
        by_school.setdefault(line.entitlement.school_id, []).append(line)
    rows = []
    for n, group in enumerate(by_school.values(), start=1):
        first = group[0]
        programs = dict.fromkeys(
            labels.get(x.entitlement.program, x.entitlement.program) for x in group
        )
        rows.append(
            FileRow(
                row_no=n,
                holder_name=first.holder_name,
                bank_name=first.bank_name,
                amount_fen=sum(x.amount_fen for x in group),
                card_hash=first.card_number_hash,
                line_ids=tuple(x.pk for x in group),
                settled=any(x.status != PaymentLine.Status.PENDING for x in group),
                school_name=first.entitlement.school.name,
                summary=term + "、".join(programs),
                card_number=protection.decrypt(first.card_number_enc) if full else "",
            )
        )
    return rows


def _labels(aid_term: AidTerm) -> dict[str, str]:
    """Each program's neutral notice label (what a notice or a bank statement may show)."""
    pack = packs_store.load(aid_term.pack)
    return {p.code: p.spec.notice_label for p in pack.programs}


def _term_label(term: Term) -> str:
    """2020-autumn is 2020秋; its spring term falls in 2021: 2021春."""
    if term.season == Term.Season.SPRING:
        return f"{term.school_year + 1}春"
    return f"{term.school_year}秋"


# --- the bank's return ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReconcileResult:
    batch: PaymentBatch
    rows: int
    paid: int
    failed: int
    pending: int

    @property
    def reconciled(self) -> bool:
        return self.batch.state == PaymentBatch.State.RECONCILED


def reconcile_batch(
    *, batch: PaymentBatch, file_path: Path | str, acting_user: Any, file_name: str | None = None
) -> ReconcileResult:
    """Settle the batch's lines from the bank's return file. The whole file is checked first; any
    problem refuses it, each located by file, row and column. A file may answer only some lines."""
    require_county_aid_role(acting_user)
    path = Path(file_path)
    name = file_name or path.name
    with transaction.atomic():
        batch = _locked_batch(batch)
        if batch.state == PaymentBatch.State.DRAFT:
            raise AidRefused(
                _("Batch %(batch)s has not been exported; there is nothing to reconcile.")
                % {"batch": batch.number}
            )
        found = bankfiles.read_return(path, _layout(batch.layout or DEFAULT_LAYOUT), name)
        sent = {row.row_no: row for row in file_rows(batch)}
        problems = bankfiles.check_return(found, sent, batch.number, protection.lookup_hash)
        if problems:
            raise ReturnFileRefused(name, problems)
        result = _settle(batch, found.rows, sent)
        record(
            "aid.payment.reconcile",
            acting_user=acting_user,
            object_type="PaymentBatch",
            object_id=batch.pk,
            detail={
                "batch": batch.number,
                "file": name,
                "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                "rows": result.rows,
                "paid": result.paid,
                "failed": result.failed,
                "pending": result.pending,
                "reconciled": result.reconciled,
            },
        )
    return result


def _settle(
    batch: PaymentBatch, rows: list[bankfiles.ReturnRow], sent: dict[int, FileRow]
) -> ReconcileResult:
    now = timezone.now()
    paid: dict[date | None, list[int]] = {}
    failed: dict[str, list[int]] = {}
    for r in rows:
        settled = sent[r.row_no].line_ids
        if r.status == "paid":
            paid.setdefault(r.paid_on, []).extend(settled)
        else:
            failed.setdefault(r.reason[:200], []).extend(settled)
    pending = PaymentLine.objects.filter(batch=batch, status=PaymentLine.Status.PENDING)
    n_paid = n_failed = 0
    for day, ids in paid.items():
        for chunk in _chunks(ids):
            n_paid += pending.filter(pk__in=chunk).update(
                status=PaymentLine.Status.PAID, paid_on=day, settled_at=now
            )
    for reason, ids in failed.items():
        for chunk in _chunks(ids):
            n_failed += pending.filter(pk__in=chunk).update(
                status=PaymentLine.Status.FAILED, bank_reason=reason, settled_at=now
            )
    left = pending.count()
    if left == 0:
        batch.state = PaymentBatch.State.RECONCILED
        batch.reconciled_at = now
        batch.save(update_fields=["state", "reconciled_at"])
    return ReconcileResult(batch, len(rows), n_paid, n_failed, left)


# --- reads ---------------------------------------------------------------------------------------


def _batches_for(user: Any) -> QuerySet[PaymentBatch]:
    qs = PaymentBatch.objects.select_related("aid_term__term", "created_by", "exported_by")
    if is_county_wide(user):
        return qs
    return qs.filter(lines__entitlement__school__in=schools_for(user)).distinct()


def get_batch(user: Any, number: str) -> PaymentBatch:
    batch = _batches_for(user).filter(number=number).first()
    if batch is None:
        raise AidRefused(_("No payment batch %(batch)s.") % {"batch": number})
    return batch


def batches_of_term(user: Any, term_code: str) -> QuerySet[PaymentBatch]:
    """The term's batches with their counts: ``n_lines``, ``fen``, ``n_paid``, ``n_failed``,
    ``n_pending`` (of the lines the user may see)."""
    scope = None if is_county_wide(user) else Q(lines__entitlement__school__in=schools_for(user))

    def only(status: str | None = None) -> Q | None:
        wanted = Q(lines__status=status) if status else None
        if scope is None or wanted is None:
            return scope or wanted
        return scope & wanted

    return (
        _batches_for(user)
        .filter(aid_term__term__code=term_code)
        .annotate(
            n_lines=Count("lines", filter=only()),
            fen=Sum("lines__amount_fen", filter=only()),
            n_paid=Count("lines", filter=only(PaymentLine.Status.PAID)),
            n_failed=Count("lines", filter=only(PaymentLine.Status.FAILED)),
            n_pending=Count("lines", filter=only(PaymentLine.Status.PENDING)),
        )
        .order_by("number")
    )


LINE_FIELDS = (
    "line_no",
    "entitlement__student__person__name",
    "entitlement__school__name",
    "entitlement__program",
    "amount_fen",
    "holder_name",
    "holder_relation",
    "bank_name",
    "holder_id_masked",
    "card_number_masked",
    "status",
    "bank_reason",
    "paid_on",
)


def lines_of_batch(user: Any, batch: PaymentBatch) -> list[dict[str, Any]]:
    """The lines of a batch with masked card and ID numbers only (never the encrypted columns)."""
    qs = PaymentLine.objects.filter(batch=batch)
    if not is_county_wide(user):
        qs = qs.filter(entitlement__school__in=schools_for(user))
    return list(qs.order_by("line_no").values(*LINE_FIELDS))


def unpaid_without_account(aid_term: AidTerm, user: Any = None) -> list[Unpaid]:
    """Due entitlements that no batch can take because the student (or school) has no usable account;
    only of the ``user``'s schools when given."""
    return _unpaid_list(aid_term, NO_ACCOUNT, user)


def failures_awaiting_correction(aid_term: AidTerm, user: Any = None) -> list[Unpaid]:
    """Failed payments whose account has not been corrected since the bank returned them."""
    return _unpaid_list(aid_term, AWAITING_CORRECTION, user)


def _unpaid_list(aid_term: AidTerm, reason: str, user: Any) -> list[Unpaid]:
    out: list[Unpaid] = []
    for payee in PAYEE_LETTER:
        plan = _plan(aid_term, payee, submitted_only=False)
        out.extend(u for u in plan.unpaid if u.reason == reason)
    if user is not None and not is_county_wide(user):
        mine = set(schools_for(user).values_list("code", flat=True))
        out = [u for u in out if u.school_code in mine]
    return out
