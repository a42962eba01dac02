"""Forms of the case pages: a step done, a case closed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from notoneless.registry.models import School
from notoneless.retention.models import Case

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StepForm(forms.Form):
    done_on = forms.DateField(label=_("Date"), widget=DATE)
    performed_by = forms.CharField(label=_("Carried out by"), max_length=200)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    return_by = forms.DateField(label=_("Return by"), required=False, widget=DATE)


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Case.Outcome.choices)
    closed_on = forms.DateField(label=_("Date"), widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)
    receiving_school = forms.ModelChoiceField(
        label=_("Receiving school"),
        queryset=School.objects.order_by("code"),
        required=False,
    )
    destination = forms.CharField(label=_("Moved to"), required=False, max_length=200)
    certificate = forms.CharField(label=_("Medical certificate"), required=False, max_length=200)
