"""Closing the gap between schools (精准补短): each school's conditions per year, building and equipment
projects, recruitment, teachers' training and honours, travel times between schools, and the weekly
plans of itinerant teaching (走教)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

USER = settings.AUTH_USER_MODEL


class Conditions(models.Model):
    """办学条件: one school's facilities in one statistical year, as the annual statistics report them.
    ``version`` counts saves, so an edit made on a stale form is refused."""

    school = models.ForeignKey(
        "registry.School", on_delete=models.CASCADE, related_name="conditions"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    teaching_floor_m2 = models.DecimalField(
        _("teaching and auxiliary floor area (m²)"), max_digits=12, decimal_places=2
    )
    sports_ground_m2 = models.DecimalField(
        _("sports ground and halls (m²)"), max_digits=12, decimal_places=2
    )
    equipment_value_fen = models.BigIntegerField(_("teaching equipment value (fen)"))
    multimedia_classrooms = models.PositiveIntegerField(_("networked multimedia classrooms"))
    books = models.PositiveIntegerField(_("books"), default=0)
    computers = models.PositiveIntegerField(_("computers"), default=0)
    specialist_rooms = models.PositiveIntegerField(_("specialist rooms"), default=0)
    remote_classrooms = models.PositiveIntegerField(_("remote interactive classrooms"), default=0)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "year"], name="one_conditions_row_per_year")
        ]
        ordering = ["school", "year"]


class ProjectKind(models.TextChoices):
    NEW_BUILD = "new_build", _("New building")
    EXPANSION = "expansion", _("Rebuilding and expansion")
    RENOVATION = "renovation", _("Renovation and repair")
    EQUIPMENT = "equipment", _("Facilities and equipment")
    REMOTE = "remote", _("Remote interactive teaching")


# The two totals the district reports: building projects, and equipment with remote teaching.
PROJECT_GROUPS = {
    ProjectKind.NEW_BUILD: "building",
    ProjectKind.EXPANSION: "building",
    ProjectKind.RENOVATION: "building",
    ProjectKind.EQUIPMENT: "equipment",
    ProjectKind.REMOTE: "equipment",
}


class FundingSource(models.TextChoices):
    CENTRAL = "central", _("Central government")
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    SOCIAL = "social", _("Donations")
    OTHER = "other", pgettext_lazy("funding source", "Other")


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Project(models.Model):
    """A building, renovation or equipment project, at one school or (no school) across the county."""

    code = models.CharField(_("project number"), max_length=40, unique=True)
    name = models.CharField(_("project name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=ProjectKind.choices)
    school = models.ForeignKey(
        "registry.School",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("school"),
    )
    funding_source = models.CharField(
        _("funding source"), max_length=10, choices=FundingSource.choices
    )
    year = models.PositiveSmallIntegerField(_("year"), help_text="the year the money was allocated")
    budget_fen = models.BigIntegerField(_("budget"))
    spent_fen = models.BigIntegerField(_("spent to date"), default=0)
    status = models.CharField(_("status"), max_length=12, choices=ProjectStatus.choices)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "code"]
        indexes = [models.Index(fields=["year", "kind"]), models.Index(fields=["school", "year"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RecruitmentChannel(models.TextChoices):
    CAMPUS = "campus", _("Campus recruitment")
    SPECIAL_POST = "special_post", _("Special-post teachers")
    OPEN = "open", _("Open recruitment")
    TRANSFER = "transfer", _("Selection and transfer")


class Recruitment(models.Model):
    """Teachers hired in one year through one channel for one school and subject."""

    year = models.PositiveSmallIntegerField(_("year"))
    channel = models.CharField(_("channel"), max_length=14, choices=RecruitmentChannel.choices)
    school = models.ForeignKey(
        "registry.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=30, blank=True)
    hired = models.PositiveIntegerField(_("hired"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "channel", "school", "subject"], name="one_recruitment_row"
            )
        ]


class TrainingLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    SCHOOL = "school", _("School-based")


class TrainingRecord(models.Model):
    """One teacher's attendance at one course: its hours and the round of the district's cycle."""

    teacher = models.ForeignKey(
        "registry.Teacher", on_delete=models.CASCADE, related_name="training", db_index=False
    )
    year = models.PositiveSmallIntegerField(_("year"))
    course = models.CharField(_("course"), max_length=120)
    level = models.CharField(_("level"), max_length=10, choices=TrainingLevel.choices)
    round = models.PositiveSmallIntegerField(_("round"))
    hours = models.PositiveIntegerField(_("hours"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["teacher", "year", "course"], name="one_training_row_per_course"
            )
        ]
        indexes = [models.Index(fields=["year"])]


class HonourKind(models.TextChoices):
    FAMOUS_PRINCIPAL = "famous_principal", _("Distinguished principal")
    FAMOUS_TEACHER = "famous_teacher", _("Distinguished teacher")
    FAMOUS_CLASS_TEACHER = "famous_class_teacher", _("Distinguished class teacher")
    ETHICS_MODEL = "ethics_model", _("Model of teachers' ethics")
    BACKBONE = "backbone", _("Backbone teacher")


class HonourLevel(models.TextChoices):
    COUNTY = "county", _("County")
    CITY = "city", _("City")
    PROVINCE = "province", _("Province")
    NATIONAL = "national", _("National")


class Honour(models.Model):
    """A title a teacher was given in a year (名师, 骨干教师, ...) at a level."""

    teacher = models.ForeignKey(
        "registry.Teacher", on_delete=models.CASCADE, related_name="honours"
    )
    kind = models.CharField(_("kind"), max_length=22, choices=HonourKind.choices)
    level = models.CharField(_("level"), max_length=10, choices=HonourLevel.choices)
    year = models.PositiveSmallIntegerField(_("year"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["teacher", "kind", "level", "year"], name="one_honour_per_year"
            )
        ]


class TravelTime(models.Model):
    """Minutes by road between two schools, either way; ``school_a`` has the smaller id. A pair in this
    table wins over the estimate from the schools' coordinates."""

    school_a = models.ForeignKey("registry.School", on_delete=models.CASCADE, related_name="+")
    school_b = models.ForeignKey("registry.School", on_delete=models.CASCADE, related_name="+")
    minutes = models.PositiveIntegerField(_("minutes"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school_a", "school_b"], name="one_travel_time_per_pair"
            ),
            models.CheckConstraint(
                condition=models.Q(school_a__lt=models.F("school_b")), name="travel_pair_ordered"
            ),
        ]


class ItinerantPlan(models.Model):
    """A weekly timetable of itinerant teaching worked out by the planner, with how good it is."""

    term = models.ForeignKey("registry.Term", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    rules_version = models.CharField(max_length=40)
    status = models.CharField(max_length=12, help_text="optimal, feasible or unsolved")
    wall_seconds = models.DecimalField(max_digits=8, decimal_places=2)
    time_limit_seconds = models.PositiveIntegerField()
    demanded = models.PositiveIntegerField(help_text="lessons a week the schools' staff leave open")
    covered = models.PositiveIntegerField()
    travel_minutes = models.PositiveIntegerField()
    trips = models.PositiveIntegerField()
    gap = models.DecimalField(max_digits=7, decimal_places=4, help_text="relative optimality gap")
    summary = models.JSONField(default=dict, help_text="per township and per solved part")
    problems = models.JSONField(default=list, help_text="input the planner could not use, and why")

    class Meta:
        ordering = ["-created_at", "-pk"]


class PlannedLesson(models.Model):
    plan = models.ForeignKey(ItinerantPlan, on_delete=models.CASCADE, related_name="lessons")
    teacher = models.ForeignKey("registry.Teacher", on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey("registry.School", on_delete=models.PROTECT, related_name="+")
    grade = models.PositiveSmallIntegerField()
    class_name = models.CharField(max_length=40, blank=True)
    subject = models.CharField(max_length=30)
    day = models.PositiveSmallIntegerField(help_text="1 = Monday")
    period = models.PositiveSmallIntegerField(help_text="1 = first lesson of the day")

    class Meta:
        ordering = ["teacher", "day", "period"]
        indexes = [
            models.Index(fields=["plan", "school"]),
            models.Index(fields=["plan", "teacher"]),
        ]


class UncoveredLesson(models.Model):
    """Lessons a week of one class and subject that the plan leaves open, and why."""

    plan = models.ForeignKey(ItinerantPlan, on_delete=models.CASCADE, related_name="uncovered")
    school = models.ForeignKey("registry.School", on_delete=models.PROTECT, related_name="+")
    grade = models.PositiveSmallIntegerField()
    class_name = models.CharField(max_length=40, blank=True)
    subject = models.CharField(max_length=30)
    lessons = models.PositiveSmallIntegerField()
    reason = models.CharField(max_length=20)
    detail = models.CharField(max_length=300)

    class Meta:
        ordering = ["school", "grade", "class_name", "subject"]
