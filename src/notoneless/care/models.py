"""Care for special groups (帮扶): the school's corrections of the groups the registers give, the pairings
of a child with helper teachers (结对), and the support log with its attachments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class Group(models.TextChoices):
    """The special groups a child can be in (several at once)."""

    REGISTERED_POOR = "registered_poor", _("Registered-poor household")
    SINGLE_PARENT = "single_parent", _("Single-parent family")
    ORPHAN = "orphan", _("Orphan")
    DISABLED = "disabled", _("Disabled")
    LEFT_BEHIND = "left_behind", _("Left-behind child")


class GroupOverride(models.Model):
    """The school's word on one group of one child, against what the registers say: ``include`` adds the
    child to the group, ``include=False`` takes the child out. One row per child and group; the audit
    log keeps every change."""

    person = models.ForeignKey(
        "registry.Person", on_delete=models.CASCADE, related_name="care_overrides"
    )
    group = models.CharField(_("group"), max_length=20, choices=Group.choices)
    include = models.BooleanField(_("in the group"))
    reason = models.CharField(_("reason"), max_length=300)
    school = models.ForeignKey("registry.School", on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "group"], name="one_override_per_group")
        ]


class Pairing(models.Model):
    """A helper teacher paired with a child (结对帮扶). Several teachers may help one child; a pairing
    ends (``ended_on``) rather than being deleted, so the log keeps its helper."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="pairings")
    school = models.ForeignKey("registry.School", on_delete=models.PROTECT, related_name="+")
    teacher = models.ForeignKey(
        "registry.Teacher", on_delete=models.PROTECT, related_name="pairings"
    )
    started_on = models.DateField(_("paired on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "teacher"],
                condition=models.Q(ended_on__isnull=True),
                name="one_open_pairing_per_child_and_teacher",
            )
        ]
        indexes = [
            models.Index(fields=["school", "ended_on"]),
            models.Index(fields=["teacher", "ended_on"]),
        ]

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


class SupportKind(models.TextChoices):
    MATERIAL_AID = "material_aid", _("Material aid")
    MOTIVATION = "motivation", _("Motivation")
    STUDY_HELP = "study_help", _("Study help")
    EMOTIONAL_CARE = "emotional_care", _("Emotional care")
    COUNSELLING = "counselling", _("Psychological counselling")
    HOME_VISIT = "home_visit", _("Home visit")


class SupportEntry(models.Model):
    """One act of support by the pairing's helper: what kind, when, what happened."""

    pairing = models.ForeignKey(Pairing, on_delete=models.PROTECT, related_name="entries")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    teacher = models.ForeignKey("registry.Teacher", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=SupportKind.choices)
    on = models.DateField(_("date"))
    notes = models.TextField(_("notes"), blank=True)
    by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["pairing", "on"]), models.Index(fields=["person", "on"])]


class SupportAttachment(models.Model):
    """A photo or signed form kept with an entry; served only through the scoped view."""

    entry = models.ForeignKey(SupportEntry, on_delete=models.CASCADE, related_name="attachments")
    path = models.CharField(max_length=300)
    original_name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
