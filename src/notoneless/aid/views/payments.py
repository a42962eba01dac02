"""资金发放: the term's payment batches, one batch with its lines, the bank file it is sent as, the bank's
return file, and the accounts schools are paid their waivers to.

The county roles read these pages; the county aid office acts, and the actions check again: a batch is
exported by a third person (neither the compiler nor the approver of the term) once the notice has run.
Screens show masked card and ID numbers only; the bank file, with full numbers, is a download (audited).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from notoneless.aid import payments, selectors, workflow
from notoneless.aid.bankfiles import FORMATS
from notoneless.aid.errors import AidRefused
from notoneless.aid.models import AidTerm, Payee, PaymentBatch, PaymentLine, SchoolAccount
from notoneless.aid.payments import ReturnFileRefused, Unpaid
from notoneless.aid.views import access, reads
from notoneless.aid.views.common import acting, aid_page, page, term_or_404, yuan
from notoneless.registry.models import School
from notoneless.registry.selectors import get_school
from notoneless.web import uploads

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
FORMAT_LABELS = {"xlsx": "Excel (.xlsx)", "csv": "CSV (.csv)"}
PROBLEMS_SHOWN = 200

# --- forms ---------------------------------------------------------------------------------------


class CreateBatchForm(forms.Form):
    payee = forms.ChoiceField(
        choices=[(Payee.FAMILY, gettext_lazy("Families")), (Payee.SCHOOL, gettext_lazy("Schools"))]
    )


class ExportForm(forms.Form):
    fmt = forms.ChoiceField(
        label=gettext_lazy("File format"),
        choices=[(f, FORMAT_LABELS.get(f, f)) for f in FORMATS],
        initial=FORMATS[0],
    )


class ReturnFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("The bank's return file (.xlsx, .xls or .csv)"),
        widget=forms.FileInput(attrs={"accept": ",".join(uploads.ALLOWED_SUFFIXES)}),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if (upload.size or 0) > settings.UPLOAD_MAX_BYTES:
            raise ValidationError(
                _("The file is larger than %(limit)s.") % {"limit": uploads.format_size_limit()}
            )
        if not uploads.display_name(upload).lower().endswith(uploads.ALLOWED_SUFFIXES):
            raise ValidationError(_("A return file is an Excel or CSV file."))
        return upload


class SchoolAccountForm(forms.Form):
    bank_name = forms.CharField(label=gettext_lazy("Bank"), max_length=100)
    account_name = forms.CharField(label=gettext_lazy("Account name (户名)"), max_length=100)
    account_number = forms.CharField(
        label=gettext_lazy("Account number"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )


# --- rows as shown -------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnpaidRow:
    unpaid: Unpaid
    program: str

    @property
    def yuan(self) -> str:
        return yuan(self.unpaid.amount_fen)


@dataclass(frozen=True)
class LineRow:
    """One line of a batch as ``payments.lines_of_batch`` gives it: masked numbers only."""

    values: dict[str, Any]
    program: str

    @property
    def amount_fen(self) -> int:
        return int(self.values["amount_fen"])

    @property
    def status(self) -> str:
        return str(self.values["status"])

    @property
    def student_name(self) -> str:
        return str(self.values["entitlement__student__person__name"])

    @property
    def school_name(self) -> str:
        return str(self.values["entitlement__school__name"])

    @property
    def yuan(self) -> str:
        return yuan(self.values["amount_fen"])

    @property
    def status_label(self) -> str:
        return str(PaymentLine.Status(self.values["status"]).label)


@dataclass(frozen=True)
class AccountRow:
    school: School
    account: SchoolAccount | None
    form: SchoolAccountForm | None
    error: str = ""


def _status(user: Any) -> int:
    """A refusal to the county aid office is about the request (400); to anyone else, about the role."""
    return 400 if access.may_run_aid(user) else 403


def _refused_role(request: HttpRequest) -> str:
    """Why the user may not act here, or ``""`` when the county aid office may."""
    try:
        workflow.require_county_aid_role(acting(request))
    except AidRefused as refusal:
        return str(refusal)
    return ""


# --- the term's batches --------------------------------------------------------------------------


@require_GET
@aid_page
def payments_page(request: HttpRequest, term: str) -> HttpResponse:
    access.check_may_read_county(acting(request))
    return _payments(request, term)


def _payments(
    request: HttpRequest, term: str, *, error: str = "", status: int = 200
) -> HttpResponse:
    """The batches of the term and what no batch can take yet; ``error`` is a refusal to show."""
    user = acting(request)
    term_obj = term_or_404(term)
    aid_term = selectors.aid_term_for(term)
    context: dict[str, Any] = {"term": term_obj, "aid_term": aid_term, "error": error}
    if aid_term is not None:
        names = reads.program_names(term, aid_term)
        context |= {
            "batches": [
                (b, yuan(getattr(b, "fen", 0))) for b in payments.batches_of_term(user, term)
            ],
            "without_account": _unpaid(payments.unpaid_without_account(aid_term, user), names),
            "awaiting": _unpaid(payments.failures_awaiting_correction(aid_term, user), names),
            "create_form": CreateBatchForm()
            if access.may_run_aid(user) and aid_term.state == AidTerm.State.APPROVED
            else None,
        }
    return page(request, "aid/payments.html", context, status=status)


def _unpaid(rows: list[Unpaid], names: dict[str, str]) -> list[UnpaidRow]:
    return [UnpaidRow(u, names.get(u.program, u.program)) for u in rows]


@require_POST
@aid_page
def create_batch(request: HttpRequest, term: str) -> HttpResponse:
    """A draft batch of every payable entitlement of the term to families, or to schools."""
    user = acting(request)
    access.check_may_read_county(user)
    term_or_404(term)
    if refused := _refused_role(request):
        return _payments(request, term, error=refused, status=403)
    form = CreateBatchForm(request.POST)
    if not form.is_valid():
        return _payments(request, term, error=_("Choose families or schools."), status=400)
    try:
        batch = payments.create_batch(
            aid_term=_aid_term(term), payee=form.cleaned_data["payee"], acting_user=user
        )
    except AidRefused as refusal:
        return _payments(request, term, error=str(refusal), status=_status(user))
    messages.success(
        request,
        _("Batch %(batch)s created as a draft: check its lines, then export it.")
        % {"batch": batch.number},
    )
    return redirect(_batch_url(term, batch.number))


def _aid_term(term: str) -> AidTerm:
    aid_term = selectors.aid_term_for(term)
    if aid_term is None:
        raise AidRefused(_("The term has not been computed yet."))
    return aid_term


def _batch_url(term: str, number: str) -> str:
    return reverse("aid_batch", args=[term, number])


# --- one batch -----------------------------------------------------------------------------------


def _batch_or_404(user: Any, term: str, number: str) -> PaymentBatch:
    """The batch of the URL, in the term of the URL (404 otherwise)."""
    term_or_404(term)
    try:
        batch = payments.get_batch(user, number)
    except AidRefused:
        raise Http404("no such batch") from None
    if batch.aid_term.term.code != term:
        raise Http404("no such batch in this term")
    return batch


@require_GET
@aid_page
def batch_page(request: HttpRequest, term: str, number: str) -> HttpResponse:
    access.check_may_read_county(acting(request))
    return _batch(request, term, number)


def _batch(
    request: HttpRequest,
    term: str,
    number: str,
    *,
    error: str = "",
    problems: list[str] | None = None,
    return_form: ReturnFileForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The batch, its lines (masked) and the forms its state allows: a fixed number of queries."""
    user = acting(request)
    batch = _batch_or_404(user, term, number)
    names = reads.program_names(term)
    lines = [
        LineRow(v, names.get(v["entitlement__program"], v["entitlement__program"]))
        for v in payments.lines_of_batch(user, batch)
    ]
    may_run = access.may_run_aid(user)
    draft = batch.state == PaymentBatch.State.DRAFT
    context = {
        "term": batch.aid_term.term,
        "batch": batch,
        "lines": lines,
        "total": yuan(sum(line.amount_fen for line in lines)),
        "counts": {s: sum(line.status == s for line in lines) for s in PaymentLine.Status.values},
        "error": error,
        "problems": problems or [],
        "export_form": ExportForm() if may_run and draft else None,
        "return_form": (return_form or ReturnFileForm()) if may_run and not draft else None,
        "may_run": may_run,
    }
    return page(request, "aid/payments_batch.html", context, status=status)


@never_cache
@require_POST
@aid_page
def export_batch(request: HttpRequest, term: str, number: str) -> HttpResponse:
    """The bank file of the batch, with full card and ID numbers: exported once (which freezes the
    batch), downloaded again identical; each time audited by the action."""
    user = acting(request)
    access.check_may_read_county(user)
    batch = _batch_or_404(user, term, number)
    if refused := _refused_role(request):
        return _batch(request, term, number, error=refused, status=403)
    form = ExportForm(request.POST)
    if not form.is_valid():
        return _batch(request, term, number, error=_("Choose xlsx or csv."), status=400)
    try:
        bank_file = payments.export_batch(
            batch=batch, acting_user=user, fmt=form.cleaned_data["fmt"]
        )
    except AidRefused as refusal:
        return _batch(request, term, number, error=str(refusal), status=_status(user))
    fmt = bank_file.name.rsplit(".", 1)[-1]
    return download(bank_file.content, bank_file.name, CONTENT_TYPES[fmt])


def download(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@require_POST
@aid_page
def reconcile_batch(request: HttpRequest, term: str, number: str) -> HttpResponse:
    """Settle the batch from the bank's return file; a file with any problem is refused whole, each
    problem located by row and column, and nothing changes."""
    user = acting(request)
    access.check_may_read_county(user)
    batch = _batch_or_404(user, term, number)
    if refused := _refused_role(request):
        return _batch(request, term, number, error=refused, status=403)
    form = ReturnFileForm(request.POST, request.FILES)
    if not form.is_valid():
        return _batch(request, term, number, return_form=form, status=400)
    upload = form.cleaned_data["file"]
    name = uploads.display_name(upload)
    try:
        with _saved(upload) as path:
            result = payments.reconcile_batch(
                batch=batch, file_path=path, acting_user=user, file_name=name
            )
    except ReturnFileRefused as refusal:
        problems = [p.located(refusal.file_name) for p in refusal.problems[:PROBLEMS_SHOWN]]
        head = str(refusal).split("\n", 1)[0]
        return _batch(request, term, number, error=head, problems=problems, status=400)
    except AidRefused as refusal:
        return _batch(request, term, number, error=str(refusal), status=_status(user))
    messages.success(
        request,
        _("%(file)s: %(paid)d paid, %(failed)d failed, %(pending)d still awaiting the bank.")
        % {"file": name, "paid": result.paid, "failed": result.failed, "pending": result.pending},
    )
    return redirect(_batch_url(term, number))


@contextmanager
def _saved(upload: UploadedFile) -> Iterator[Path]:
    """The upload as a file of its own in a private temporary folder, removed afterwards whatever
    happens: a return file holds full card numbers. The client's name is only the file's name, made safe."""
    with tempfile.TemporaryDirectory(
        prefix="aid-return-", dir=settings.FILE_UPLOAD_TEMP_DIR
    ) as folder:
        path = Path(folder) / uploads.safe_file_name(uploads.display_name(upload))
        with path.open("xb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        yield path


@require_POST
@aid_page
def discard_batch(request: HttpRequest, term: str, number: str) -> HttpResponse:
    """Delete a draft batch; its entitlements may be batched again."""
    user = acting(request)
    access.check_may_read_county(user)
    batch = _batch_or_404(user, term, number)
    if refused := _refused_role(request):
        return _batch(request, term, number, error=refused, status=403)
    try:
        payments.discard_batch(batch=batch, acting_user=user)
    except AidRefused as refusal:
        return _batch(request, term, number, error=str(refusal), status=_status(user))
    messages.success(request, _("Draft batch %(batch)s discarded.") % {"batch": number})
    return redirect("aid_payments", term=term)


# --- the schools' accounts -----------------------------------------------------------------------


@require_GET
@aid_page
def school_accounts(request: HttpRequest, term: str) -> HttpResponse:
    access.check_may_read_county(acting(request))
    return _accounts(request, term)


def _accounts(
    request: HttpRequest,
    term: str,
    *,
    failed: tuple[int, SchoolAccountForm, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The schools of the term, each with its account (masked) and, for the county aid office, a form;
    ``failed`` is the form of one school sent back with what was wrong."""
    user = acting(request)
    term_obj = term_or_404(term)
    may_run = access.may_run_aid(user)
    rows = []
    for school in selectors.schools_in_term(user, term).select_related("aid_account__updated_by"):
        account = getattr(school, "aid_account", None)
        form, error = None, ""
        if failed is not None and failed[0] == school.pk:
            form, error = failed[1], failed[2]
        elif may_run:
            initial = (
                {"bank_name": account.bank_name, "account_name": account.account_name}
                if account
                else {"account_name": school.name}
            )
            form = SchoolAccountForm(initial=initial, prefix=f"s{school.pk}")
        rows.append(AccountRow(school, account, form, error))
    context = {"term": term_obj, "rows": rows, "may_run": may_run}
    return page(request, "aid/payments_accounts.html", context, status=status)


@require_POST
@aid_page
def set_school_account(request: HttpRequest, term: str, school_id: int) -> HttpResponse:
    """Record or correct the account a school's waivers are paid to."""
    user = acting(request)
    access.check_may_read_county(user)
    term_or_404(term)
    school = get_school(user, school_id)
    form = SchoolAccountForm(request.POST, prefix=f"s{school.pk}")
    if refused := _refused_role(request):
        return _accounts(request, term, failed=(school.pk, form, refused), status=403)
    if not form.is_valid():
        return _accounts(request, term, failed=(school.pk, form, ""), status=400)
    try:
        account = payments.set_school_account(school=school, acting_user=user, **form.cleaned_data)
    except AidRefused as refusal:
        return _accounts(request, term, failed=(school.pk, form, str(refusal)), status=400)
    messages.success(
        request,
        _("%(school)s is paid to %(account)s.")
        % {"school": school.name, "account": account.account_number_masked},
    )
    return redirect("aid_school_accounts", term=term)
