"""The registers of the web app as lists (``web.lists``): the student register (this term's
enrolments) and the schools. Cells are what a clerk may see: masked numbers, never decrypted."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notoneless.web.lists import Column, Listing

STUDENTS = Listing(
    name="students",
    title=_("Student register"),
    default_order=("school__township__code", "school__code", "grade", "class_name", "pk"),
    columns=(
        Column(
            "name",
            _("Name"),
            lambda e: e.student.person.name,
            order="student__person__name_norm",
            link=lambda e: reverse("student_detail", args=[e.student_id]),
            width=10,
        ),
        Column("sex", _("Sex"), lambda e: e.student.person.get_sex_display(), width=6),
        Column("id_number", _("ID number"), lambda e: e.student.person.id_number_masked, width=22),
        Column("student_number", _("Student number"), lambda e: e.student.student_number_masked),
        Column(
            "township",
            _("Township"),
            lambda e: e.school.township.name,
            order="school__township__code",
        ),
        Column(
            "school",
            _("School"),
            lambda e: e.school.name,
            order="school__code",
            link=lambda e: reverse("school_detail", args=[e.school_id]),
            width=24,
        ),
        Column("stage", _("Stage"), lambda e: e.get_stage_display(), order="stage", width=10),
        Column("grade", _("Grade"), lambda e: e.grade, order="grade", kind="int", width=6),
        Column("class", _("Class"), lambda e: e.class_name, order="class_name", width=8),
        Column("status", _("Status"), lambda e: e.get_status_display(), order="status", width=8),
    ),
)

SCHOOLS = Listing(
    name="schools",
    title=_("Schools"),
    default_order=("township__code", "code"),
    per_page=100,
    columns=(
        Column(
            "name",
            _("School"),
            lambda s: s.name,
            order="name",
            link=lambda s: reverse("school_detail", args=[s.pk]),
            width=26,
        ),
        Column("code", _("School code"), lambda s: s.code, order="code"),
        Column(
            "central",
            _("Teaching point of"),
            lambda s: s.central_school.name if s.central_school else "",
            width=22,
        ),
        Column("township", _("Township"), lambda s: s.township.name, order="township__code"),
        Column("type", _("Type"), lambda s: s.get_school_type_display(), order="school_type"),
        Column("locality", _("Locality"), lambda s: s.get_locality_display(), order="locality"),
        Column(
            "students",
            _("Students"),
            lambda s: s.student_count,
            order="student_count",
            kind="int",
            width=8,
        ),
    ),
)
