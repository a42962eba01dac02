"""Forms of the schools pages: a school's conditions for a year, a project, the filters of the
lists and a plan to make. Each field names its unit; validation messages show next to the field."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from notoneless.registry.models import School
from notoneless.schools.actions import ConditionsValues, ProjectValues
from notoneless.schools.models import FundingSource, ProjectKind, ProjectStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _area(label: Any) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=12, decimal_places=2, min_value=Decimal(0))


def _yuan(label: Any, **extra: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, max_digits=14, decimal_places=2, min_value=Decimal(0), **extra
    )


def _fen(yuan: Decimal) -> int:
    return int((yuan * 100).to_integral_value())


class ConditionsForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    teaching_floor_m2 = _area(_("Teaching and auxiliary floor area (m²)"))
    sports_ground_m2 = _area(_("Sports ground and halls (m²)"))
    equipment_value_yuan = _yuan(_("Teaching equipment value (yuan)"))
    multimedia_classrooms = forms.IntegerField(
        label=_("Networked multimedia classrooms"), min_value=0
    )
    books = forms.IntegerField(label=_("Books"), min_value=0, required=False)
    computers = forms.IntegerField(label=_("Computers"), min_value=0, required=False)
    specialist_rooms = forms.IntegerField(label=_("Specialist rooms"), min_value=0, required=False)
    remote_classrooms = forms.IntegerField(
        label=_("Remote interactive classrooms"), min_value=0, required=False
    )

    def values(self) -> ConditionsValues:
        d = self.cleaned_data
        return ConditionsValues(
            teaching_floor_m2=d["teaching_floor_m2"],
            sports_ground_m2=d["sports_ground_m2"],
            equipment_value_fen=_fen(d["equipment_value_yuan"]),
            multimedia_classrooms=d["multimedia_classrooms"],
            books=d["books"] or 0,
            computers=d["computers"] or 0,
            specialist_rooms=d["specialist_rooms"] or 0,
            remote_classrooms=d["remote_classrooms"] or 0,
        )


class ProjectForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    code = forms.CharField(label=_("Project number"), max_length=40)
    name = forms.CharField(label=_("Project name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ProjectKind.choices)
    school = forms.ModelChoiceField(
        label=_("School"),
        queryset=School.objects.none(),
        required=False,
        empty_label=_("The whole county"),
    )
    funding_source = forms.ChoiceField(label=_("Funding source"), choices=FundingSource.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    budget_yuan = _yuan(_("Budget (yuan)"))
    spent_yuan = _yuan(_("Spent to date (yuan)"), initial=0)
    status = forms.ChoiceField(label=_("Status"), choices=ProjectStatus.choices)
    start_date = forms.DateField(label=_("Start date"), required=False, widget=DATE)
    end_date = forms.DateField(label=_("End date"), required=False, widget=DATE)
    notes = forms.CharField(label=_("Notes"), max_length=300, required=False)

    def __init__(self, *args: Any, schools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date is before the start date."))
        return data

    def values(self) -> ProjectValues:
        d = self.cleaned_data
        return ProjectValues(
            code=d["code"].strip(),
            name=d["name"].strip(),
            kind=d["kind"],
            school=d["school"],
            funding_source=d["funding_source"],
            year=d["year"],
            budget_fen=_fen(d["budget_yuan"]),
            spent_fen=_fen(d["spent_yuan"]),
            status=d["status"],
            start_date=d["start_date"],
            end_date=d["end_date"],
            notes=d["notes"] or "",
        )


class ProjectFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *ProjectKind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *ProjectStatus.choices]
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class PlanForm(forms.Form):
    time_limit = forms.IntegerField(
        label=_("Time limit (seconds)"), min_value=5, max_value=300, initial=40
    )
