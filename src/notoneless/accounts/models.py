from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COUNTY_ADMIN = "county_admin", _("County administrator")
    AID_OFFICER = "aid_officer", _("Aid officer")
    SCHOOL_OFFICER = "school_officer", _("School officer")
    TOWNSHIP_OFFICER = "township_officer", _("Township officer")
    TEACHER = "teacher", _("Teacher")
    AUDITOR = "auditor", _("Auditor")


COUNTY_WIDE_ROLES = frozenset({Role.COUNTY_ADMIN, Role.AID_OFFICER, Role.AUDITOR})
SCHOOL_ROLES = frozenset({Role.SCHOOL_OFFICER, Role.TEACHER})


class User(AbstractUser):
    """A named account with one role and, for school and township roles, the scope it may see."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.TEACHER)
    school = models.ForeignKey(
        "registry.School",
        verbose_name=_("school"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff_accounts",
    )
    township = models.ForeignKey(
        "registry.Division",
        verbose_name=_("township"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff_accounts",
    )
    teacher = models.OneToOneField(
        "registry.Teacher",
        verbose_name=_("teacher record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="account",
        help_text=_("the teachers' register row of a teacher's account (pairings, home teaching)"),
    )

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            # Superusers run the system (admin); ``createsuperuser`` makes them with the default
            # role and no school, so the school requirement does not bind them.
            models.CheckConstraint(
                name="school_roles_have_a_school",
                condition=~models.Q(role__in=["school_officer", "teacher"])
                | models.Q(school__isnull=False)
                | models.Q(is_superuser=True),
            ),
            models.CheckConstraint(
                name="township_officers_have_a_township",
                condition=~models.Q(role="township_officer") | models.Q(township__isnull=False),
            ),
        ]

    @property
    def is_county_wide(self) -> bool:
        return self.role in COUNTY_WIDE_ROLES

    @property
    def is_read_only(self) -> bool:
        return self.role == Role.AUDITOR
