from __future__ import annotations

from django.db import models

from notoneless.registry.choices import AbsenceStatus


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


class Case(models.Model):
    """A suspected dropout (疑似辍学) found by the rules, and what became of it."""

    class Trigger(models.TextChoices):
        CONSECUTIVE = "consecutive", "Consecutive unexcused days"
        MONTHLY = "monthly", "Unexcused days in a month"

    class Status(models.TextChoices):
        SUSPECTED = "suspected", "Suspected dropout"
        DROPOUT = "dropout", "Dropout"
        RETURNED = "returned", "Returned to school"
        CLOSED = "closed", "Closed"

    OPEN = (Status.SUSPECTED, Status.DROPOUT)

    student = models.ForeignKey("registry.Student", on_delete=models.PROTECT, related_name="cases")
    school = models.ForeignKey("registry.School", on_delete=models.PROTECT)
    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    opened_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUSPECTED)
    detail = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["student", "trigger"],
                condition=models.Q(status__in=["suspected", "dropout"]),
                name="one_open_case_per_student_trigger",
            )
        ]
        indexes = [models.Index(fields=["school", "status"])]
