"""Inclusive education (全纳教育): assessments of children without a certificate, placements proposed
by the rules and decided by the county's expert committee, one plan per child (一人一案) in versions,
home-teaching sessions (送教上门) with their six elements, and the pauses of the requirement."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from notoneless.registry.choices import DisabilityType

USER = settings.AUTH_USER_MODEL


class Setting(models.TextChoices):
    REGULAR = "regular", _("Regular class")
    SPECIAL_SCHOOL = "special_school", _("Special school")
    HOME = "home", _("Home-delivered teaching")


class Severity(models.TextChoices):
    SEVERE = "severe", _("Severe")
    MODERATE = "moderate", _("Moderate")
    MILD = "mild", _("Mild")


class Assessment(models.Model):
    """A child assessed without a disability certificate, entered by the school or the bureau."""

    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="inclusion_assessments"
    )
    school = models.ForeignKey("registry.School", null=True, on_delete=models.PROTECT)
    disability_type = models.CharField(
        _("disability type"), max_length=12, choices=DisabilityType.choices
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    assessor = models.CharField(_("assessor"), max_length=200)
    assessed_on = models.DateField(_("assessed on"))
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)


class Placement(models.Model):
    """One placement of a child: the rules' proposal, then the committee's decision with the guardian's
    consent. A later decision for the same child supersedes it; a decided placement is reviewed yearly."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed, awaiting the committee")
        DECIDED = "decided", _("Decided")
        SUPERSEDED = "superseded", _("Superseded")

    class Source(models.TextChoices):
        CERTIFICATE = "certificate", _("Disability certificate")
        ASSESSMENT = "assessment", _("Assessment")

    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="inclusion_placements"
    )
    school = models.ForeignKey(
        "registry.School", null=True, on_delete=models.PROTECT, related_name="+"
    )
    township = models.ForeignKey(
        "registry.Division", null=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=12, choices=Source.choices)
    disability_record = models.ForeignKey(
        "registry.DisabilityRecord", null=True, on_delete=models.PROTECT, related_name="+"
    )
    assessment = models.ForeignKey(
        Assessment, null=True, on_delete=models.PROTECT, related_name="placements"
    )
    disability_type = models.CharField(max_length=12, choices=DisabilityType.choices)
    grade = models.PositiveSmallIntegerField(help_text="1 (most severe) to 4")
    proposed_setting = models.CharField(max_length=16, choices=Setting.choices)
    alternatives = models.JSONField(default=list)
    proposal_note = models.CharField(max_length=300)
    rules_version = models.CharField(max_length=40)
    proposed_on = models.DateField()
    proposed_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROPOSED)
    setting = models.CharField(max_length=16, choices=Setting.choices, blank=True)
    special_support = models.BooleanField(
        default=False, help_text="needs an individual plan although not taught at home"
    )
    decided_on = models.DateField(null=True)
    decided_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    committee_members = models.JSONField(default=list)
    reason = models.TextField(blank=True)
    guardian_name = models.CharField(max_length=60, blank=True)
    consent_on = models.DateField(null=True)
    review_due = models.DateField(null=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status="proposed"),
                name="one_open_proposal_per_child",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status="decided"),
                name="one_decision_in_force_per_child",
            ),
            models.CheckConstraint(
                name="decided_placements_have_consent_and_reason",
                condition=models.Q(status="proposed")
                | (
                    ~models.Q(setting="")
                    & models.Q(decided_on__isnull=False, consent_on__isnull=False)
                    & ~models.Q(guardian_name="")
                    & ~models.Q(reason="")
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["school", "status"]),
            models.Index(fields=["township", "status"]),
            models.Index(fields=["status", "review_due"]),
        ]


class Plan(models.Model):
    """One plan per child (一人一案); its content lives in versions, the latest in force from its day."""

    person = models.OneToOneField(
        "registry.Person", on_delete=models.PROTECT, related_name="inclusion_plan"
    )
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="plans")
    school = models.ForeignKey(
        "registry.School", null=True, on_delete=models.PROTECT, related_name="+"
    )
    township = models.ForeignKey(
        "registry.Division", null=True, on_delete=models.PROTECT, related_name="+"
    )
    home_teaching = models.BooleanField(default=True)
    code_hash = models.CharField(
        max_length=200, blank=True, help_text="the guardian's code, hashed"
    )
    code_issued_on = models.DateField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)


class PlanVersion(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    valid_from = models.DateField()
    goals = models.TextField()
    schedule = models.JSONField(help_text="[{weekday: 1-7, start: 'HH:MM', hours: n}]")
    review_on = models.DateField()
    teachers = models.ManyToManyField("registry.Teacher", related_name="inclusion_plan_versions")
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_numbers"),
            models.UniqueConstraint(fields=["plan", "valid_from"], name="one_version_a_day"),
        ]


class Session(models.Model):
    """A home-teaching session held (送教上门): the six elements (六落实) and the guardian's
    confirmation are all present, or the session is not recorded."""

    class Confirmation(models.TextChoices):
        PHOTO = "photo", _("Signature photo")
        CODE = "code", _("Confirmation code")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="sessions")
    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="sessions")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    teacher = models.ForeignKey("registry.Teacher", on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField()
    class_hours = models.DecimalField(max_digits=3, decimal_places=1)
    lesson_plan = models.TextField(blank=True)
    lesson_plan_file = models.CharField(max_length=200, blank=True)
    lesson_plan_file_name = models.CharField(max_length=100, blank=True)
    record_entry = models.TextField()
    confirmation = models.CharField(max_length=6, choices=Confirmation.choices)
    signature_file = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "held_on"], name="one_session_a_day"),
            models.CheckConstraint(name="session_has_hours", condition=models.Q(class_hours__gt=0)),
            models.CheckConstraint(
                name="session_has_a_lesson_plan",
                condition=~models.Q(lesson_plan="") | ~models.Q(lesson_plan_file=""),
            ),
        ]
        indexes = [models.Index(fields=["held_on"])]


class Pause(models.Model):
    """Days a child's home teaching is paused (a hospital stay...): they owe no visits or hours."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(
        max_length=20, help_text="a key of [pauses] in rules/home_teaching.toml"
    )
    start_date = models.DateField()
    end_date = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="pause_ends_after_it_starts",
                condition=models.Q(end_date__gte=models.F("start_date")),
            )
        ]
