"""Student aid: policy packs, the aid cycle of a term, entitlements, identification, notices and payments.

A (student, program, term) is entitled at most once (``Entitlement``) and has at most one payment line that
is not failed (``PaymentLine``): together the two constraints mean nobody is paid twice.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from notoneless.registry import choices
from notoneless.registry.models import (
    BankAccount,
    School,
    Student,
    Term,
    enc_field,
    hash_field,
    masked_field,
)

USER = settings.AUTH_USER_MODEL


class Payee(models.TextChoices):
    FAMILY = "family", _("Family's card")
    SCHOOL = "school", _("School")
    RECORDED = "recorded", _("Recorded only (paid by another agency)")


class PolicyPack(models.Model):
    """One version of a policy pack, stored as loaded; ``active`` packs are the ones terms are computed with."""

    code = models.CharField(max_length=40)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    first_term = models.CharField(max_length=20)
    last_term = models.CharField(max_length=20, blank=True)
    source = models.TextField(help_text="the pack file as loaded")
    sha256 = models.CharField(max_length=64)
    active = models.BooleanField(default=False)
    loaded_at = models.DateTimeField()
    loaded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="one_pack_per_code_version")
        ]
        ordering = ["code", "-version"]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class AidTerm(models.Model):
    """The aid cycle of one term: open while lists are computed and checked, then compiled, then approved.
    Approval freezes the entitlements and the facts they came from."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        COMPILED = "compiled", _("Compiled, awaiting approval")
        APPROVED = "approved", _("Approved")

    term = models.OneToOneField(Term, on_delete=models.PROTECT, related_name="aid")
    pack = models.ForeignKey(PolicyPack, on_delete=models.PROTECT, related_name="terms")
    snapshot_date = models.DateField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    compiled_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    compiled_at = models.DateTimeField(null=True)
    approved_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return self.term.code

    @property
    def frozen(self) -> bool:
        return self.state == self.State.APPROVED


class ComputeRun(models.Model):
    """One run of ``aid compute``: the facts it read (Parquet, kept so a frozen term can still be explained)
    and what it changed."""

    aid_term = models.ForeignKey(AidTerm, on_delete=models.CASCADE, related_name="runs")
    number = models.PositiveIntegerField()
    acting_user = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    facts = models.BinaryField(help_text="the students' facts as read, Parquet")
    facts_sha256 = models.CharField(max_length=64)
    summary = models.JSONField(default=dict)
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["aid_term", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["aid_term", "number"], name="one_run_number_per_term")
        ]


class Entitlement(models.Model):
    """A student's entitlement to one program in one term, with the place and amount it was computed for."""

    class Status(models.TextChoices):
        DUE = "due", _("Due")
        OVER_QUOTA = "over_quota", _("Not funded within quota")

    aid_term = models.ForeignKey(AidTerm, on_delete=models.PROTECT, related_name="entitlements")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+", db_index=False)
    student = models.ForeignKey(
        Student, on_delete=models.PROTECT, related_name="entitlements", db_index=False
    )
    program = models.CharField(max_length=40)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(max_length=12, choices=choices.Stage.choices)
    grade = models.PositiveSmallIntegerField()
    class_name = models.CharField(max_length=40, blank=True)
    amount_fen = models.BigIntegerField()
    payee = models.CharField(max_length=10, choices=Payee.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DUE)
    basis = models.CharField(max_length=200, blank=True, help_text="the facts that made it apply")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["student", "term", "program"], name="one_entitlement_per_program_term"
            ),
            models.CheckConstraint(condition=Q(amount_fen__gte=0), name="entitlement_not_negative"),
        ]
        indexes = [models.Index(fields=["aid_term", "school"])]


class Adjustment(models.Model):
    """An explicit correction of a frozen entitlement, with its reason."""

    entitlement = models.ForeignKey(
        Entitlement, on_delete=models.PROTECT, related_name="adjustments"
    )
    old_amount_fen = models.BigIntegerField()
    new_amount_fen = models.BigIntegerField()
    reason = models.CharField(max_length=500)
    acting_user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()


class SchoolList(models.Model):
    """A school's aid list for one term: reviewed and submitted by the school, posted as a public notice."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Being checked")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for correction")

    aid_term = models.ForeignKey(AidTerm, on_delete=models.CASCADE, related_name="school_lists")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    submitted_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True)
    notice_start = models.DateField(null=True, help_text="first day the public notice is posted")
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["aid_term", "school"], name="one_list_per_school_term")
        ]


class Identification(models.Model):
    """资助认定: a student's hardship grade for a school year (spring may adjust it), through the steps
    application → class review → school grading → posting → county confirmation. Automatic grades of
    students in a hardship group and grades imported from a roster are recorded here too."""

    class Step(models.TextChoices):
        APPLIED = "applied", _("Applied")
        CLASS_REVIEWED = "class_reviewed", _("Reviewed by the class")
        GRADED = "graded", _("Graded by the school panel")
        POSTED = "posted", _("Posted")
        CONFIRMED = "confirmed", _("Confirmed by the county")
        REJECTED = "rejected", pgettext_lazy("identification step", "Not identified")

    class Source(models.TextChoices):
        APPLICATION = "application", _("Application")
        PROPOSAL = "proposal", _("Proposed by the school")
        AUTOMATIC = "automatic", _("Hardship group (automatic)")
        IMPORT = "import", _("Imported roster")

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="identifications")
    school_year = models.PositiveIntegerField()
    season = models.CharField(max_length=6, choices=Term.Season.choices)
    source = models.CharField(max_length=12, choices=Source.choices)
    step = models.CharField(max_length=16, choices=Step.choices, default=Step.APPLIED)
    grade = models.CharField(
        max_length=10, choices=choices.HardshipGrade.choices, blank=True, default=""
    )
    reason = models.TextField(blank=True, help_text="private: never posted")
    school = models.ForeignKey(
        School,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="the school that identifies the student (its place in the term when applied)",
    )
    created_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["student", "school_year", "season"], name="one_identification_per_term"
            )
        ]
        indexes = [models.Index(fields=["school_year", "season", "school"])]


class IdentificationStep(models.Model):
    """One step of an identification, as it happened: who moved it to which step with which grade."""

    identification = models.ForeignKey(
        Identification, on_delete=models.CASCADE, related_name="steps"
    )
    step = models.CharField(max_length=16, choices=Identification.Step.choices)
    grade = models.CharField(
        max_length=10, choices=choices.HardshipGrade.choices, blank=True, default=""
    )
    acting_user = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    note = models.CharField(max_length=500, blank=True, help_text="private: never posted")

    class Meta:
        ordering = ["identification", "at", "id"]


class SchoolAccount(models.Model):
    """The account a school's tuition waivers are paid to (拨付学校): one per school."""

    school = models.OneToOneField(School, on_delete=models.PROTECT, related_name="aid_account")
    bank_name = models.CharField(max_length=100)
    account_name = models.CharField(max_length=100, help_text="户名: usually the school's name")
    account_number_enc = enc_field()
    account_number_hash = hash_field()
    account_number_masked = masked_field()
    updated_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.account_name} {self.account_number_masked}"


class PaymentBatch(models.Model):
    """A set of payment lines to one kind of payee; immutable once exported."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        EXPORTED = "exported", _("Exported to the bank")
        RECONCILED = "reconciled", _("Reconciled")

    aid_term = models.ForeignKey(AidTerm, on_delete=models.PROTECT, related_name="batches")
    number = models.CharField(max_length=40, unique=True)
    payee = models.CharField(max_length=10, choices=Payee.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    exported_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    exported_at = models.DateTimeField(null=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    file_format = models.CharField(max_length=8, blank=True, help_text="xlsx or csv, as exported")
    layout = models.CharField(max_length=40, blank=True, help_text="the bank layout exported with")
    reconciled_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return self.number


class PaymentLine(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting the bank")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")

    batch = models.ForeignKey(PaymentBatch, on_delete=models.PROTECT, related_name="lines")
    line_no = models.PositiveIntegerField()
    entitlement = models.ForeignKey(Entitlement, on_delete=models.PROTECT, related_name="payments")
    amount_fen = models.BigIntegerField()
    account = models.ForeignKey(BankAccount, null=True, on_delete=models.PROTECT, related_name="+")
    holder_name = models.CharField(max_length=100)
    holder_relation = models.CharField(max_length=16, blank=True)
    bank_name = models.CharField(max_length=100)
    holder_id_enc = enc_field()
    holder_id_hash = hash_field()
    holder_id_masked = masked_field()
    card_number_enc = enc_field()
    card_number_hash = hash_field()
    card_number_masked = masked_field()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    bank_reason = models.CharField(max_length=200, blank=True)
    paid_on = models.DateField(null=True)
    settled_at = models.DateTimeField(null=True, help_text="when the bank's return was recorded")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "line_no"], name="one_line_number_per_batch"),
            # the rule "nobody is paid twice": one live (pending or paid) line per entitlement
            models.UniqueConstraint(
                fields=["entitlement"],
                condition=~Q(status="failed"),
                name="never_paid_twice",
            ),
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="payment_positive"),
        ]


class StudentLoan(models.Model):
    """A student-origin credit loan (生源地信用助学贷款) of a university student: recorded, paid by a bank."""

    name = models.CharField(max_length=60)
    id_number_enc = enc_field()
    id_number_hash = hash_field()
    id_number_masked = masked_field()
    person = models.ForeignKey(
        "registry.Person", null=True, on_delete=models.SET_NULL, related_name="loans"
    )
    university = models.CharField(max_length=100)
    school_year = models.PositiveIntegerField()
    amount_fen = models.BigIntegerField()
    source_row = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash", "school_year"], name="one_loan_per_student_year"
            )
        ]


class AidOffice(models.Model):
    """The county's student aid office (学生资助管理中心) as notices and policy cards print it: one row,
    set in the admin. Until it is set the documents leave a blank line for the phone, never a made-up one."""

    SINGLETON = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON, editable=False)
    name = models.CharField(_("name"), max_length=100, help_text=_("e.g. 榆阳区学生资助管理中心"))
    phone = models.CharField(
        _("phone"),
        max_length=40,
        validators=[
            RegexValidator(
                r"^[0-9][0-9 ()（）+\-－、,，转]{2,39}$",
                _("Digits, spaces, hyphens and brackets only, e.g. 0912-3456789"),
            )
        ],
        help_text=_("printed as 资助咨询电话 on notices and policy cards"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("aid office")
        verbose_name_plural = _("aid office")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="one_aid_office")]

    def __str__(self) -> str:
        return f"{self.name} {self.phone}"
