"""The registers in Django's admin, for superusers: read-only, masked values only.

Registers change through imports and actions (which audit); the admin is for looking. The
``_enc`` columns (encrypted tokens) and ``_hash`` columns (keyed hashes) are never shown; the
``_masked`` ones are.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from notoneless.registry import models

HIDDEN_SUFFIXES = ("_enc", "_hash")


class RegisterAdmin(admin.ModelAdmin):
    """Superusers only, view only, and never an encrypted or hashed column."""

    show_full_result_count = False
    list_per_page = 50

    def get_exclude(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        return [f.name for f in self.model._meta.fields if f.name.endswith(HIDDEN_SUFFIXES)]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(models.Division)
class DivisionAdmin(RegisterAdmin):
    list_display = ["code", "name", "level", "parent", "is_urban"]
    list_filter = ["level", "is_urban"]
    list_select_related = ["parent"]
    search_fields = ["code", "name"]


@admin.register(models.School)
class SchoolAdmin(RegisterAdmin):
    list_display = [
        "code",
        "name",
        "school_type",
        "township",
        "locality",
        "boarding",
        "central_school",
    ]
    list_filter = ["school_type", "locality", "boarding"]
    list_select_related = ["township", "central_school"]
    search_fields = ["code", "name"]


@admin.register(models.Term)
class TermAdmin(RegisterAdmin):
    list_display = ["code", "school_year", "season", "start_date", "end_date"]


@admin.register(models.Household)
class HouseholdAdmin(RegisterAdmin):
    list_display = [
        "number",
        "head_name",
        "village",
        "poverty_status",
        "registered_year",
        "exit_year",
    ]
    list_filter = ["poverty_status", "dibao", "tekun", "monitored"]
    list_select_related = ["village"]
    search_fields = ["number", "head_name"]


@admin.register(models.HouseholdStatus)
class HouseholdStatusAdmin(RegisterAdmin):
    list_display = ["household", "recorded_at", "poverty_status", "registered_year", "exit_year"]
    list_select_related = ["household"]
    search_fields = ["household__number"]


@admin.register(models.Person)
class PersonAdmin(RegisterAdmin):
    list_display = ["name", "name_norm", "sex", "birth_date", "id_number_masked", "id_status"]
    list_filter = ["sex", "id_status", "orphan", "left_behind", "disabled"]
    search_fields = ["name", "name_norm"]


@admin.register(models.Student)
class StudentAdmin(RegisterAdmin):
    list_display = ["student_number_masked", "person_name", "hardship_grade"]
    list_filter = ["hardship_grade"]
    list_select_related = ["person"]
    search_fields = ["person__name", "person__name_norm"]

    @admin.display(description=_("name"), ordering="person__name_norm")
    def person_name(self, student: models.Student) -> str:
        return student.person.name


@admin.register(models.StudentNumber)
class StudentNumberAdmin(RegisterAdmin):
    list_display = ["number_masked", "kind", "student", "replaced_at"]
    list_filter = ["kind"]
    list_select_related = ["student"]


@admin.register(models.Enrollment)
class EnrollmentAdmin(RegisterAdmin):
    list_display = ["student", "term", "school", "stage", "grade", "class_name", "status"]
    list_filter = ["term", "stage", "status", "boarding"]
    list_select_related = ["student", "term", "school"]
    search_fields = ["school__name", "school__code"]


@admin.register(models.Guardian)
class GuardianAdmin(RegisterAdmin):
    list_display = ["name", "relation", "person", "id_number_masked", "phone_masked"]
    list_select_related = ["person"]
    search_fields = ["name", "name_norm"]


@admin.register(models.BankAccount)
class BankAccountAdmin(RegisterAdmin):
    list_display = ["person", "bank_name", "holder_name", "holder_relation", "card_number_masked"]
    list_filter = ["holder_relation", "active"]
    list_select_related = ["person"]
    search_fields = ["holder_name", "bank_name"]


@admin.register(models.Teacher)
class TeacherAdmin(RegisterAdmin):
    list_display = ["name", "school", "subjects", "title", "id_number_masked", "phone_masked"]
    list_select_related = ["school"]
    search_fields = ["name", "name_norm"]


class RegisterRecordAdmin(RegisterAdmin):
    """A row of an external register as it came, and the person it is linked to."""

    list_display = ["name", "id_number_masked", "village", "person", "link_method"]
    list_filter = ["link_method", "id_status"]
    list_select_related = ["village", "person"]
    search_fields = ["name", "name_norm"]


@admin.register(models.PovertyMember)
class PovertyMemberAdmin(RegisterRecordAdmin):
    list_display = [*RegisterRecordAdmin.list_display, "household"]
    list_select_related = [*RegisterRecordAdmin.list_select_related, "household"]


@admin.register(models.AssistanceRecord)
class AssistanceRecordAdmin(RegisterRecordAdmin):
    list_display = [*RegisterRecordAdmin.list_display, "category"]
    list_filter = ["category", *RegisterRecordAdmin.list_filter]


@admin.register(models.DisabilityRecord)
class DisabilityRecordAdmin(RegisterRecordAdmin):
    list_display = [
        *RegisterRecordAdmin.list_display,
        "certificate_masked",
        "disability_type",
        "disability_grade",
    ]
    list_filter = ["disability_type", "disability_grade", "link_method"]


@admin.register(models.HukouRecord)
class HukouRecordAdmin(RegisterRecordAdmin):
    list_display = [*RegisterRecordAdmin.list_display, "hukou_type"]
    list_filter = ["hukou_type", *RegisterRecordAdmin.list_filter]


@admin.register(models.StudyElsewhereRecord)
class StudyElsewhereRecordAdmin(RegisterRecordAdmin):
    list_display = [*RegisterRecordAdmin.list_display, "school_name", "place", "term"]
    list_filter = ["link_method", "term"]
    list_select_related = [*RegisterRecordAdmin.list_select_related, "term"]
    search_fields = [*RegisterRecordAdmin.search_fields, "school_name"]


@admin.register(models.HardshipListRecord)
class HardshipListRecordAdmin(RegisterRecordAdmin):
    list_display = [*RegisterRecordAdmin.list_display, "category", "school_name", "source"]
    list_filter = ["category", *RegisterRecordAdmin.list_filter]


@admin.register(models.ImportRun)
class ImportRunAdmin(RegisterAdmin):
    list_display = [
        "started_at",
        "kind",
        "file_name",
        "outcome",
        "rows",
        "created",
        "updated",
        "errors",
    ]
    list_filter = ["kind", "outcome"]
    list_select_related = ["acting_user"]
    date_hierarchy = "started_at"
