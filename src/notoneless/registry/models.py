"""The registers: divisions, schools, households, persons, students, enrolments and the external registers.

Sensitive values (resident IDs and numbers that contain one, bank cards, phones) are kept in three columns:
``<field>_enc`` (AES-GCM token), ``<field>_hash`` (keyed lookup hash) and ``<field>_masked`` (what screens
show). They are written only through ``notoneless.registry.protection``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from notoneless.registry import choices


def enc_field() -> models.TextField:
    return models.TextField(blank=True, default="")


def hash_field() -> models.CharField:
    return models.CharField(max_length=32, blank=True, default="", db_index=True)


def masked_field() -> models.CharField:
    return models.CharField(max_length=32, blank=True, default="")


class Division(models.Model):
    """County, township (or urban sub-district) and village, by 12-digit statistical code."""

    class Level(models.TextChoices):
        COUNTY = "county", _("County")
        TOWNSHIP = "township", _("Township")
        VILLAGE = "village", _("Village")

    code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=100)
    level = models.CharField(max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_urban = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def region_code(self) -> str:
        """The GB/T 2260 county code: the first six digits."""
        return self.code[:6]


class School(models.Model):
    code = models.CharField(_("school code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=100)
    school_type = models.CharField(max_length=20, choices=choices.SchoolType.choices)
    stages = models.CharField(max_length=80, help_text="comma-separated stages taught")
    township = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="schools")
    locality = models.CharField(max_length=10, choices=choices.Locality.choices)
    boarding = models.BooleanField(default=False)
    tuition_per_term_fen = models.BigIntegerField(default=0)
    central_school = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="teaching_points"
    )
    # WGS-84 degrees; the itinerant-teaching planner estimates road times from them
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def stage_list(self) -> list[str]:
        return [s for s in self.stages.split(",") if s]


class Term(models.Model):
    """A school term, e.g. ``2020-autumn`` (school year 2020-2021, first term)."""

    class Season(models.TextChoices):
        AUTUMN = "autumn", _("Autumn")
        SPRING = "spring", _("Spring")

    code = models.CharField(max_length=20, unique=True)
    school_year = models.PositiveIntegerField(help_text="year the school year starts")
    season = models.CharField(max_length=6, choices=Season.choices)
    start_date = models.DateField()
    end_date = models.DateField()

    class Meta:
        ordering = ["start_date"]

    def __str__(self) -> str:
        return self.code


class Household(models.Model):
    """A household of the poverty register (户), with its current status; history in ``HouseholdStatus``."""

    number = models.CharField(_("household number"), max_length=40, unique=True)
    village = models.ForeignKey(Division, null=True, blank=True, on_delete=models.PROTECT)
    head_name = models.CharField(max_length=60, blank=True)
    poverty_status = models.CharField(
        max_length=12, choices=choices.PovertyStatus.choices, default=choices.PovertyStatus.NONE
    )
    registered_year = models.PositiveSmallIntegerField(null=True, blank=True)
    exit_year = models.PositiveSmallIntegerField(null=True, blank=True)
    monitored = models.BooleanField(default=False, help_text="under post-exit monitoring")
    dibao = models.CharField(
        max_length=6, choices=choices.Dibao.choices, default=choices.Dibao.NONE
    )
    tekun = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.number


class HouseholdStatus(models.Model):
    """The status a household had from a given import on: its poverty history."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="history")
    recorded_at = models.DateTimeField()
    poverty_status = models.CharField(max_length=12, choices=choices.PovertyStatus.choices)
    registered_year = models.PositiveSmallIntegerField(null=True, blank=True)
    exit_year = models.PositiveSmallIntegerField(null=True, blank=True)
    monitored = models.BooleanField(default=False)

    class Meta:
        ordering = ["household", "recorded_at"]


class NamedIdentity(models.Model):
    """Name, birth and resident ID as one register gives them; shared by persons and register records."""

    name = models.CharField(_("name"), max_length=60)
    name_norm = models.CharField(max_length=60, db_index=True, help_text="simplified characters")
    name_pinyin = models.CharField(
        max_length=200, blank=True, help_text="syllables; heteronyms joined by |"
    )
    sex = models.CharField(max_length=1, choices=choices.Sex.choices, blank=True, default="")
    birth_date = models.DateField(null=True, blank=True)
    id_number_enc = enc_field()
    id_number_hash = hash_field()
    id_number_masked = masked_field()
    id_status = models.CharField(max_length=8, choices=choices.IdStatus.choices, default="missing")

    class Meta:
        abstract = True


class Person(NamedIdentity):
    """A child (or adult) with a stable internal id; student numbers and register records point here."""

    ethnicity = models.CharField(max_length=20, blank=True)
    hukou_type = models.CharField(
        max_length=6, choices=choices.HukouType.choices, blank=True, default=""
    )
    hukou_village = models.ForeignKey(Division, null=True, blank=True, on_delete=models.PROTECT)
    hukou_address = models.CharField(max_length=200, blank=True)
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    relation_to_head = models.CharField(max_length=20, blank=True)
    orphan = models.BooleanField(default=False)
    left_behind = models.BooleanField(default=False)
    single_parent = models.BooleanField(default=False)
    in_distress = models.BooleanField(default=False)
    disabled = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name


class Student(models.Model):
    """The student-register record (学籍) of a person; the number may change, the person does not."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="student")
    student_number_enc = enc_field()
    student_number_hash = models.CharField(max_length=32, unique=True)
    student_number_masked = masked_field()
    hardship_grade = models.CharField(
        max_length=10, choices=choices.HardshipGrade.choices, blank=True, default=""
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.student_number_masked


class StudentNumber(models.Model):
    """A number the student had before the current one ('L' or 'J' becomes 'G' when the child gets an ID).

    The current number lives on ``Student``; together they are every number the student has had."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="numbers")
    number_enc = enc_field()
    number_hash = models.CharField(max_length=32, unique=True)
    number_masked = masked_field()
    kind = models.CharField(max_length=1, help_text="G, J or L")
    replaced_at = models.DateTimeField()


class Enrollment(models.Model):
    """A student's place at a school in one term."""

    # student and term are the leading columns of the unique constraint and of the (term, school) index,
    # so their own indexes would only slow bulk imports.
    student = models.ForeignKey(
        Student, on_delete=models.PROTECT, related_name="enrollments", db_index=False
    )
    term = models.ForeignKey(Term, on_delete=models.PROTECT, db_index=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="enrollments")
    stage = models.CharField(max_length=12, choices=choices.Stage.choices)
    grade = models.PositiveSmallIntegerField(
        help_text="preschool 1-3, compulsory 1-9, senior/vocational 1-3"
    )
    class_name = models.CharField(max_length=40, blank=True)
    boarding = models.BooleanField(default=False)
    status = models.CharField(
        max_length=12,
        choices=choices.EnrollmentStatus.choices,
        default=choices.EnrollmentStatus.ENROLLED,
    )
    status_changed_on = models.DateField(
        null=True, blank=True, help_text="the day the status took effect (a transfer out, say)"
    )
    major = models.CharField(max_length=60, blank=True)
    major_category = models.CharField(max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["student", "term", "school"], name="one_enrollment_per_school_term"
            )
        ]
        indexes = [models.Index(fields=["term", "school"])]


class Guardian(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="guardians", db_index=False
    )
    name = models.CharField(max_length=60)
    name_norm = models.CharField(max_length=60)
    relation = models.CharField(max_length=20, blank=True)
    id_number_enc = enc_field()
    id_number_hash = hash_field()
    id_number_masked = masked_field()
    phone_enc = enc_field()
    phone_hash = hash_field()
    phone_masked = masked_field()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "name_norm"], name="one_guardian_per_name")
        ]


class BankAccount(models.Model):
    """The card a student's aid is paid to, and who holds it."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="bank_accounts")
    bank_name = models.CharField(max_length=60)
    holder_name = models.CharField(max_length=60)
    holder_relation = models.CharField(max_length=16, choices=choices.AccountHolder.choices)
    holder_id_enc = enc_field()
    holder_id_hash = hash_field()
    holder_id_masked = masked_field()
    card_number_enc = enc_field()
    card_number_hash = hash_field()
    card_number_masked = masked_field()
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "card_number_hash"], name="one_account_per_card"
            )
        ]


class Teacher(NamedIdentity):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="teachers")
    subjects = models.CharField(max_length=100, blank=True, help_text="comma-separated")
    qualification = models.CharField(max_length=20, blank=True)
    title = models.CharField(max_length=30, blank=True)
    post = models.CharField(max_length=30, blank=True)
    phone_enc = enc_field()
    phone_hash = hash_field()
    phone_masked = masked_field()
    updated_at = models.DateTimeField(auto_now=True)


class RegisterRecord(NamedIdentity):
    """A row of an external register as it came, linked to a person when matched."""

    class LinkMethod(models.TextChoices):
        NONE = "", _("Not linked")
        EXACT_ID = "exact_id", _("Exact ID")
        PROBABILISTIC = "probabilistic", _("Probabilistic")
        MANUAL = "manual", _("Manual")

    record_key = models.CharField(
        max_length=32, unique=True, help_text="natural key for re-imports"
    )
    village = models.ForeignKey(Division, null=True, blank=True, on_delete=models.PROTECT)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL)
    link_method = models.CharField(
        max_length=14, choices=LinkMethod.choices, blank=True, default=""
    )
    source_row = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class PovertyMember(RegisterRecord):
    """A member of a registered-poor household (建档立卡)."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="register_members"
    )
    relation_to_head = models.CharField(max_length=20, blank=True)


class AssistanceRecord(RegisterRecord):
    """A person on a civil-affairs list: 低保 (rural/urban), 特困 or orphan."""

    category = models.CharField(max_length=12, choices=choices.AssistanceCategory.choices)
    household_number = models.CharField(max_length=40, blank=True)


class DisabilityRecord(RegisterRecord):
    """A disability certificate from the disabled persons' federation (残联)."""

    certificate_enc = enc_field()
    certificate_hash = hash_field()
    certificate_masked = masked_field()
    disability_type = models.CharField(max_length=12, choices=choices.DisabilityType.choices)
    disability_grade = models.PositiveSmallIntegerField(help_text="1 (most severe) to 4")


class HukouRecord(RegisterRecord):
    """A school-age child from the household-register extract (户籍)."""

    address = models.CharField(max_length=200, blank=True)
    guardian_name = models.CharField(max_length=60, blank=True)
    guardian_name_norm = models.CharField(max_length=60, blank=True)
    hukou_type = models.CharField(
        max_length=6, choices=choices.HukouType.choices, blank=True, default=""
    )


class StudyElsewhereRecord(RegisterRecord):
    """A child of the county reported as studying outside it, with the evidence that says so."""

    term = models.ForeignKey(Term, null=True, blank=True, on_delete=models.PROTECT)
    school_name = models.CharField(max_length=100)
    place = models.CharField(max_length=100)
    stage = models.CharField(max_length=12, choices=choices.Stage.choices, blank=True)
    grade = models.PositiveSmallIntegerField(null=True, blank=True)
    evidence = models.CharField(max_length=200)


class HardshipListRecord(RegisterRecord):
    """A student a national system lists as being in a hardship group (e.g. the student aid system's weekly
    comparison of the five groups with the student registers), kept for matching and follow-up."""

    category = models.CharField(max_length=16, choices=choices.HardshipCategory.choices)
    source = models.CharField(max_length=60, blank=True)
    student_number_enc = enc_field()
    student_number_hash = hash_field()
    student_number_masked = masked_field()
    school_code = models.CharField(max_length=10, blank=True)
    school_name = models.CharField(max_length=100, blank=True)
    stage = models.CharField(max_length=12, choices=choices.Stage.choices, blank=True)
    grade = models.PositiveSmallIntegerField(null=True, blank=True)


class ImportRun(models.Model):
    """One import of one file: what it was, who ran it, and what it changed."""

    class Outcome(models.TextChoices):
        IMPORTED = "imported", _("Imported")
        PARTIAL = "partial", _("Imported the good rows")
        REFUSED = "refused", _("Refused")
        DRY_RUN = "dry_run", _("Dry run")

    kind = models.CharField(max_length=30)
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    acting_user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]
