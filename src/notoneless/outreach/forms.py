"""Forms of the publicity pages: a visit with the survey, a card's delivery and signature, a campaign."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from notoneless.outreach.models import Campaign, Material
from notoneless.outreach.survey import Survey

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ANSWER_CHOICES = [("", _("Not asked")), ("yes", _("Knows")), ("no", _("Does not know"))]


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("Date"), widget=DATE)
    visitors = forms.CharField(label=_("Visitors"), max_length=200)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = []
        for question in survey.questions:
            name = f"q_{question.code}"
            self.fields[name] = forms.ChoiceField(
                label=question.shown,
                choices=ANSWER_CHOICES,
                required=False,
                widget=forms.RadioSelect,
            )
            self.questions.append(self[name])

    def action_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        answers = {
            name[2:]: value for name, value in data.items() if name.startswith("q_") and value
        }
        return {
            "visited_on": data["visited_on"],
            "visitors": data["visitors"],
            "notes": data["notes"],
            "answers": answers,
        }


class DeliveryForm(forms.Form):
    delivered_on = forms.DateField(label=_("Delivered on"), widget=DATE)
    delivered_by = forms.CharField(label=_("Delivered by"), max_length=200)


class SignatureForm(forms.Form):
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)
    photo = forms.FileField(
        label=_("Photo of the signed card"),
        required=False,
        help_text=_("A photo (JPEG, PNG, WebP) or a PDF"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,.pdf"}),
    )


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Campaign.Kind.choices)
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    village = forms.ChoiceField(label=_("Village"), required=False)
    place = forms.CharField(label=_("Venue"), max_length=200, required=False)
    audience = forms.IntegerField(label=_("People reached"), required=False, min_value=0)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, villages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [("", "—"), *villages]  # type: ignore[attr-defined]
        for material in Material:
            self.fields[f"m_{material.value}"] = forms.IntegerField(
                label=material.label, required=False, min_value=0
            )

    def materials(self) -> list[forms.BoundField]:
        return [self[f"m_{m.value}"] for m in Material]

    def action_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "kind": data["kind"],
            "held_on": data["held_on"],
            "place": data["place"],
            "audience": data["audience"],
            "notes": data["notes"],
            "materials": {m.value: data.get(f"m_{m.value}") or 0 for m in Material},
        }
