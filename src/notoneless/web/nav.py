"""The navigation a user sees: only the pages their role can use."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from notoneless.accounts.models import Role, User
from notoneless.aid.views.access import may_read_aid
from notoneless.care.access import may_read_care
from notoneless.inclusion.access import may_read_inclusion
from notoneless.matching.selectors import may_review
from notoneless.outreach.access import may_read_outreach
from notoneless.retention.access import may_read_retention, may_record_attendance
from notoneless.schools.access import may_read_schools, may_see_own_timetable
from notoneless.web.uploads import may_import


@dataclass(frozen=True)
class NavItem:
    key: str
    url_name: str
    label: str | Promise


SCOPED_PAGES = [
    NavItem("overview", "overview", _("Overview")),
    NavItem("schools", "school_list", _("Schools")),
    NavItem("students", "student_search", _("Student search")),
]
AID_PAGE = NavItem("aid", "aid_overview", _("Student aid"))
IDENTIFICATION_PAGE = NavItem("aid", "aid_identification_current", _("Hardship identification"))
CARDS_PAGE = NavItem("aid", "aid_cards_current", _("Household policy cards"))
MATCHING_PAGE = NavItem("matching", "matching_index", _("Matching"))
RETENTION_PAGE = NavItem("retention", "retention_dashboard", _("Dropout control"))
ATTENDANCE_PAGE = NavItem("attendance", "retention_attendance", _("Take attendance"))
CARE_PAGE = NavItem("care", "care_index", _("Care"))
INCLUSION_PAGE = NavItem("inclusion", "inclusion_index", _("Inclusive education"))
OUTREACH_PAGE = NavItem("outreach", "outreach_index", _("Outreach"))
SCHOOLS_PAGE = NavItem("schools_balance", "schools_index", _("School balance"))
MY_WEEK_PAGE = NavItem("my_week", "schools_my_week", _("My itinerant week"))
JOBS_PAGE = NavItem("jobs", "job_list", _("Background jobs"))
IMPORT_PAGE = NavItem("imports", "import_upload", _("Import data"))
ADMIN_PAGE = NavItem("admin", "admin:index", _("Administration"))


def navigation(user: User) -> list[NavItem]:
    """Every active account reads within its scope; the roles that work with aid see student aid; county
    administrators import; superusers administer."""
    if not (user.is_authenticated and user.is_active):
        return []
    items = list(SCOPED_PAGES)
    if may_read_aid(user):
        items.append(AID_PAGE)
    elif user.role == Role.TEACHER:
        items.append(IDENTIFICATION_PAGE)
    elif user.role == Role.TOWNSHIP_OFFICER:
        items.append(CARDS_PAGE)
    if may_review(user):
        items.append(MATCHING_PAGE)
    if may_read_retention(user):
        items.append(RETENTION_PAGE)
    if may_record_attendance(user):
        items.append(ATTENDANCE_PAGE)
    if may_read_care(user):
        items.append(CARE_PAGE)
    if may_read_inclusion(user):
        items.append(INCLUSION_PAGE)
    if may_read_outreach(user):
        items.append(OUTREACH_PAGE)
    if may_read_schools(user):
        items.append(SCHOOLS_PAGE)
    if may_see_own_timetable(user):
        items.append(MY_WEEK_PAGE)
    if may_import(user):
        items.append(IMPORT_PAGE)
    if user.is_superuser or user.role in (Role.COUNTY_ADMIN, Role.AID_OFFICER, Role.AUDITOR):
        items.append(JOBS_PAGE)
    if user.is_superuser and user.is_staff:
        items.append(ADMIN_PAGE)
    return items
