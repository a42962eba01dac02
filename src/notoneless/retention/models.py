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
