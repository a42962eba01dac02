from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from notoneless.registry.choices import Stage
from notoneless.registry.models import Term
from notoneless.web import uploads

PACK_MAX_BYTES = 1024 * 1024


class SubmitListForm(forms.Form):
    notice_start = forms.DateField(
        label=_("Public notice posted on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The first day the list was posted at the school."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"notice_start": timezone.localdate()})
        super().__init__(*args, **kwargs)


class ReturnListForm(forms.Form):
    note = forms.CharField(
        label=_("What to correct"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _term_choices(
    terms: Sequence[Term], blank: str | Promise | None = None
) -> list[tuple[str, Any]]:
    head = [("", blank)] if blank is not None else []
    return head + [(t.code, t.code) for t in terms]


class PackUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Policy pack file (.toml)"),
        widget=forms.FileInput(attrs={"accept": ".toml,text/plain"}),
    )
    term = forms.ChoiceField(label=_("Compare in term"))

    def __init__(self, *args: Any, terms: Sequence[Term], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["term"].choices = _term_choices(terms)  # type: ignore[attr-defined]

    def clean_file(self) -> str:
        """The pack's text: UTF-8, at most 1 MB."""
        upload: UploadedFile = self.cleaned_data["file"]
        if (upload.size or 0) > PACK_MAX_BYTES:
            raise ValidationError(_("A policy pack is a small text file; this one is too large."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(
                _("The file is not UTF-8 text; save the pack as UTF-8 and upload it again.")
            ) from None

    def source_name(self) -> str:
        upload = self.files.get("file")
        return uploads.display_name(upload) if isinstance(upload, UploadedFile) else "pack.toml"


class PackInstallForm(forms.Form):
    sha256 = forms.CharField(max_length=64, widget=forms.HiddenInput)
    inactive = forms.BooleanField(label=_("Store it without switching it on"), required=False)


class LedgerFilterForm(forms.Form):
    term = forms.ChoiceField(label=_("Term"), required=False)
    stage = forms.ChoiceField(
        label=_("Stage"),
        required=False,
        choices=[("", _("All stages")), *Stage.choices],
    )

    def __init__(self, *args: Any, terms: Sequence[Term], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["term"].choices = _term_choices(terms, _("All terms"))  # type: ignore[attr-defined]
