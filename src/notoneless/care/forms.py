"""Forms of the care pages: a group corrected, a helper paired, a pairing ended, support logged."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from notoneless.care.actions import MAX_FILES
from notoneless.care.models import Group, SupportKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class GroupForm(forms.Form):
    ADD, REMOVE, CLEAR = "add", "remove", "clear"

    person = forms.IntegerField(widget=forms.HiddenInput)
    group = forms.ChoiceField(label=_("Group"), choices=Group.choices)
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (ADD, _("Add to the group")),
            (REMOVE, _("Take out of the group")),
            (CLEAR, _("Follow the registers again")),
        ],
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class PairForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    teacher = forms.IntegerField(label=_("Helper"))


class EndForm(forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class EntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SupportKind.choices)
    on = forms.DateField(label=_("Date"), widget=DATE)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    attachments = MultipleFileField(
        label=_("Photos or signed forms (JPEG, PNG, WebP or PDF)"),
        required=False,
        help_text=_("at most %(n)s files") % {"n": MAX_FILES},
    )
