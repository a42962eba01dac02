from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from notoneless.registry.reveal import REASON_MAX_LENGTH


class StudentSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, student number, ID number or its last 4-6 digits"),
        max_length=60,
        required=False,
    )


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX_LENGTH)
