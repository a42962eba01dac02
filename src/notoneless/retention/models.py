"""Dropout control (控辍保学): absences, the school calendar's closures, return-to-school cases with their
steps and the named people on both lines of responsibility, and the table those people come from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from notoneless.registry.choices import AbsenceStatus
from notoneless.registry.models import enc_field, hash_field, masked_field

USER = settings.AUTH_USER_MODEL


class Absence(models.Model):
    """A day a student was absent. Present is the default for an enrolled child on a school day."""

    student = models.ForeignKey(
        "registry.Student", on_delete=models.CASCADE, related_name="absences"
    )
    school = models.ForeignKey("registry.School", on_delete=models.PROTECT)
    date = models.DateField()
    status = models.CharField(max_length=10, choices=AbsenceStatus.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student", "date"], name="one_absence_per_day")
        ]
        indexes = [models.Index(fields=["school", "date"])]


class SchoolClosure(models.Model):
    """Days one school does not teach although the county calendar says it is a school day (snow,
    an epidemic, a building closed): no absence counts on them and they do not break a run."""

    school = models.ForeignKey("registry.School", on_delete=models.CASCADE, related_name="closures")
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="closure_ends_after_it_starts",
                condition=models.Q(end_date__gte=models.F("start_date")),
            )
        ]


class ScanRun(models.Model):
    """One dropout scan: the day it looked at and what it did. The latest tells the pages the date the
    ledgers stand at when no term holds today (historic or demo data)."""

    as_of = models.DateField()
    term = models.ForeignKey("registry.Term", on_delete=models.PROTECT, related_name="+")
    rules_version = models.CharField(max_length=40)
    counts = models.JSONField(default=dict)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")


class Case(models.Model):
    """A child who may be out of school (疑似辍学), found by the rules or by matching, and what became of it.
    The ledgers are the open cases by status (suspected, dropout) and the closed ones by outcome."""

    class Trigger(models.TextChoices):
        CONSECUTIVE = "consecutive", _("Consecutive unexcused days")
        MONTHLY = "monthly", _("Unexcused days in a month")
        TRANSFER = "transfer", _("Transferred out, enrolled nowhere")
        OUT_OF_SCHOOL = "out-of-school", _("School-age child not enrolled")

    class Status(models.TextChoices):
        SUSPECTED = "suspected", _("Suspected dropout")
        DROPOUT = "dropout", _("Dropout")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        RETURNED = "returned", _("Returned to school")
        TRANSFERRED = "transferred", _("Transferred to another school")
        HOME_TAUGHT = "home_taught", _("Placed in home-delivered teaching")
        DEFERRED = "deferred", _("Deferred for health, with a certificate")
        MOVED_AWAY = "moved_away", _("Moved away")
        EXPLAINED = "explained", _("Absence explained, not a dropout")

    OPEN = (Status.SUSPECTED, Status.DROPOUT)

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="cases")
    student = models.ForeignKey(
        "registry.Student", null=True, on_delete=models.PROTECT, related_name="cases"
    )
    school = models.ForeignKey("registry.School", null=True, on_delete=models.PROTECT)
    township = models.ForeignKey(
        "registry.Division", null=True, on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey(
        "registry.Division", null=True, on_delete=models.PROTECT, related_name="+"
    )
    finding = models.ForeignKey(
        "matching.Finding", null=True, on_delete=models.SET_NULL, related_name="cases"
    )
    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    opened_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUSPECTED)
    dropout_on = models.DateField(
        null=True, help_text="the day the suspected case became a dropout"
    )
    detail = models.JSONField(default=dict)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    closed_on = models.DateField(null=True)
    closed_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    outcome_note = models.CharField(max_length=500, blank=True)
    receiving_school = models.ForeignKey(
        "registry.School", null=True, on_delete=models.PROTECT, related_name="+"
    )
    destination = models.CharField(max_length=200, blank=True)
    certificate = models.CharField(max_length=200, blank=True)
    follow_until = models.DateField(
        null=True, help_text="a returned child's attendance is followed until this day"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "trigger"],
                condition=models.Q(status__in=["suspected", "dropout"]),
                name="one_open_case_per_person_trigger",
            ),
            models.CheckConstraint(
                name="closed_cases_have_an_outcome",
                condition=~models.Q(status="closed")
                | (~models.Q(outcome="") & models.Q(closed_on__isnull=False)),
            ),
        ]
        indexes = [
            models.Index(fields=["school", "status"]),
            models.Index(fields=["township", "status"]),
        ]

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class CaseStep(models.Model):
    """One step of persuasion (劝返) with its due date; the plan of steps is data (``rules/dropout.toml``)."""

    class Kind(models.TextChoices):
        HOME_VISIT = "home_visit", _("Home visit")
        REPORT = "report", _("Report to the central school and township")
        PERSUASION_PLAN = "persuasion_plan", _("Persuasion plan with village cadres")
        NOTICE = "notice", _("Township notice to return by a deadline")
        LEGAL = "legal", _("Legal measures")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    position = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    done_on = models.DateField(null=True)
    done_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    performed_by = models.CharField(
        _("carried out by"), max_length=200, blank=True, help_text="names of the people present"
    )
    notes = models.TextField(_("notes"), blank=True)
    return_by = models.DateField(null=True, help_text="the deadline a notice sets")

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="one_step_of_each_kind")
        ]
        indexes = [models.Index(fields=["done_on", "due_on"])]


class Line(models.TextChoices):
    ADMINISTRATIVE = "administrative", _("Administrative line")
    EDUCATION = "education", _("Education line")
    FAMILY = "family", _("Family")


class Duty(models.TextChoices):
    TOWNSHIP_HEAD = "township_head", _("Township head")
    VILLAGE_HEAD = "village_head", _("Village head")
    GROUP_LEADER = "group_leader", _("Village group leader")
    TASK_FORCE = "task_force", _("Resident task-force member")
    FIRST_SECRETARY = "first_secretary", _("First secretary")
    BUREAU_CONTACT = "bureau_contact", _("Bureau contact")
    PRINCIPAL = "principal", _("Principal")
    HEAD_TEACHER = "head_teacher", _("Head teacher")
    GUARDIAN = "guardian", _("Guardian")


LINE_OF_DUTY = {
    Duty.TOWNSHIP_HEAD: Line.ADMINISTRATIVE,
    Duty.VILLAGE_HEAD: Line.ADMINISTRATIVE,
    Duty.GROUP_LEADER: Line.ADMINISTRATIVE,
    Duty.TASK_FORCE: Line.ADMINISTRATIVE,
    Duty.FIRST_SECRETARY: Line.ADMINISTRATIVE,
    Duty.BUREAU_CONTACT: Line.EDUCATION,
    Duty.PRINCIPAL: Line.EDUCATION,
    Duty.HEAD_TEACHER: Line.EDUCATION,
    Duty.GUARDIAN: Line.FAMILY,
}


class Responsible(models.Model):
    """The county's assignment table (控辍保学责任人): who answers for the children of a township, a
    village or a school (a head teacher for one class). A case names them when it opens."""

    duty = models.CharField(_("duty"), max_length=20, choices=Duty.choices)
    division = models.ForeignKey(
        "registry.Division", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    school = models.ForeignKey(
        "registry.School", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    class_name = models.CharField(_("class"), max_length=40, blank=True)
    name = models.CharField(_("name"), max_length=60)
    phone_enc = enc_field()
    phone_hash = hash_field()
    phone_masked = masked_field()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="responsible_for_a_place_or_a_school",
                condition=models.Q(division__isnull=False) | models.Q(school__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["duty", "division", "school", "class_name", "name"],
                name="one_assignment_per_person_and_place",
            ),
        ]


class CaseParty(models.Model):
    """A named person answering for a case, copied from the assignment table when the case opens, so
    the case keeps who was responsible then."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    line = models.CharField(max_length=16, choices=Line.choices)
    duty = models.CharField(max_length=20, choices=Duty.choices)
    name = models.CharField(max_length=60)
    phone_enc = enc_field()
    phone_masked = masked_field()
