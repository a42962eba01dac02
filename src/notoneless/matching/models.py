"""Matching the registers (精准识别): runs of the linkage engine, the candidate pairs it scored (linked
automatically, or waiting for a clerk's decision, which is remembered), and the findings it produced.

A register record is one row of ``registry`` (PovertyMember, AssistanceRecord, DisabilityRecord,
HukouRecord, StudyElsewhereRecord, HardshipListRecord), named here by its kind and id.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from notoneless.registry.models import Division, Person, School

USER = settings.AUTH_USER_MODEL


class RecordKind(models.TextChoices):
    HOUSEHOLDS = "households", _("Poverty register")
    ASSISTANCE = "assistance", _("Assistance lists")
    DISABILITY = "disability", _("Disability register")
    HUKOU = "hukou", _("Household register")
    ELSEWHERE = "enrolled-elsewhere", _("Studying elsewhere")
    HARDSHIP_LIST = "hardship-list", _("National hardship list")


class MatchRun(models.Model):
    class Engine(models.TextChoices):
        DUCKDB = "duckdb", "DuckDB"
        SPARK = "spark", "Spark"

    engine = models.CharField(max_length=10, choices=Engine.choices, default=Engine.DUCKDB)
    acting_user = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True)
    model = models.JSONField(
        default=dict, help_text="the trained Splink model (settings with parameters)"
    )
    counts = models.JSONField(default=dict)
    notes = models.JSONField(default=list, help_text="what the run could and could not use")

    class Meta:
        ordering = ["-started_at"]


class CandidatePair(models.Model):
    """A register record and a person the engine thinks it may be. Decisions stay with the pair, so a
    later run does not ask again."""

    class Status(models.TextChoices):
        AUTO_LINKED = "auto_linked", _("Linked automatically")
        PENDING = "pending", _("Awaiting review")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        UNSURE = "unsure", _("Unsure")
        UNDONE = "undone", _("Automatic link undone")

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="pairs")
    record_kind = models.CharField(max_length=20, choices=RecordKind.choices)
    record_id = models.BigIntegerField()
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="candidate_pairs")
    match_probability = models.FloatField()
    match_weight = models.FloatField()
    evidence = models.JSONField(default=dict, help_text="comparison levels that scored the pair")
    status = models.CharField(max_length=12, choices=Status.choices)
    decided_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["record_kind", "record_id", "person"], name="one_pair_per_record_person"
            )
        ]
        indexes = [models.Index(fields=["status", "record_kind"])]


class Finding(models.Model):
    """A lead the run found: a child missing aid or school, aid no register supports, a double enrolment,
    a record that matches nobody. Out-of-school leads are verified by the township and school."""

    class Kind(models.TextChoices):
        MISSED_AID = "missed-aid", _("Hardship group but no aid")
        WRONG_AID = "wrong-aid", _("Aid no register supports")
        OUT_OF_SCHOOL = "out-of-school", _("Possibly out of school")
        DUPLICATE_ENROLMENT = "duplicate-enrolment", _("Enrolled in two schools")
        UNMATCHED = "unmatched", _("Matches nobody")

    class Verification(models.TextChoices):
        OPEN = "open", _("To verify")
        STUDYING_ELSEWHERE = "studying_elsewhere", _("Studying elsewhere")
        MOVED_AWAY = "moved_away", _("Moved away")
        DEFERRED = "deferred", _("Deferred or exempted")
        CONFIRMED = "confirmed", _("Confirmed out of school")

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    person = models.ForeignKey(Person, null=True, on_delete=models.CASCADE, related_name="+")
    record_kind = models.CharField(max_length=20, choices=RecordKind.choices, blank=True)
    record_id = models.BigIntegerField(null=True)
    school = models.ForeignKey(School, null=True, on_delete=models.SET_NULL, related_name="+")
    township = models.ForeignKey(Division, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=500)
    detail = models.JSONField(default=dict)
    verification = models.CharField(
        max_length=20, choices=Verification.choices, default=Verification.OPEN
    )
    verified_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    verified_at = models.DateTimeField(null=True)
    verification_note = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [models.Index(fields=["run", "kind"])]
