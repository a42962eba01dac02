from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from notoneless.matching.models import Finding

V = Finding.Verification


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("accept", _("Same child")),
            ("reject", _("Not the same")),
            ("unsure", _("Unsure")),
        ]
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class UndoForm(forms.Form):
    note = forms.CharField(label=_("Why"), max_length=500, required=False)


class VerifyForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("What the visit found"),
        choices=[(v.value, v.label) for v in V if v != V.OPEN],
        widget=forms.RadioSelect,
    )
    school = forms.CharField(
        label=_("School studied at"),
        max_length=100,
        required=False,
        help_text=_("Studying elsewhere: the school, the place and the evidence are required."),
    )
    place = forms.CharField(label=_("Place"), max_length=100, required=False)
    evidence = forms.CharField(label=_("Evidence"), max_length=200, required=False)
    note = forms.CharField(
        label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
