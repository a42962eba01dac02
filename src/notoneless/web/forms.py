from __future__ import annotations

import re
from pathlib import PurePath
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from notoneless.registry.choices import EnrollmentStatus, Locality, SchoolType, Stage
from notoneless.registry.imports import KINDS
from notoneless.registry.imports.spec import kinds, layouts
from notoneless.registry.reveal import REASON_MAX_LENGTH
from notoneless.web import uploads
from notoneless.web.uploads import ALLOWED_SUFFIXES

TERM_CODE = re.compile(r"^\d{4}-(autumn|spring)$")


class StudentSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, student number, ID number or its last 4-6 digits"),
        max_length=60,
        required=False,
    )


class StudentListForm(forms.Form):
    """The filters of the student register list; the choices are the user's schools and townships."""

    name = forms.CharField(label=_("Name"), max_length=30, required=False)
    township = forms.TypedChoiceField(
        label=_("Township"), coerce=int, required=False, empty_value=None
    )
    school = forms.TypedChoiceField(label=_("School"), coerce=int, required=False, empty_value=None)
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    grade = forms.IntegerField(label=_("Grade"), min_value=1, max_value=12, required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, data: Any, *, schools: Any) -> None:
        super().__init__(data)
        everything = [("", _("All"))]
        townships = sorted({(s.township_id, s.township.name) for s in schools}, key=lambda t: t[1])
        self.fields["township"].choices = everything + townships  # type: ignore[attr-defined]
        self.fields["school"].choices = everything + [(s.pk, s.name) for s in schools]  # type: ignore[attr-defined]
        self.fields["stage"].choices = everything + list(Stage.choices)  # type: ignore[attr-defined]
        self.fields["status"].choices = everything + list(EnrollmentStatus.choices)  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        """The valid filters, for ``registry.selectors.enrolments_for``; an invalid one is dropped."""
        if self.is_valid():
            data = self.cleaned_data
        else:
            data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return {
            "name": data.get("name") or "",
            "township_id": data.get("township"),
            "school_id": data.get("school"),
            "stage": data.get("stage") or "",
            "grade": data.get("grade"),
            "status": data.get("status") or "",
        }


class SchoolListForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=40, required=False)
    township = forms.TypedChoiceField(
        label=_("Township"), coerce=int, required=False, empty_value=None
    )
    school_type = forms.ChoiceField(label=_("Type"), required=False)
    locality = forms.ChoiceField(label=_("Locality"), required=False)

    def __init__(self, data: Any, *, townships: Any) -> None:
        super().__init__(data)
        everything = [("", _("All"))]
        self.fields["township"].choices = everything + [(t.pk, t.name) for t in townships]  # type: ignore[attr-defined]
        self.fields["school_type"].choices = everything + list(SchoolType.choices)  # type: ignore[attr-defined]
        self.fields["locality"].choices = everything + list(Locality.choices)  # type: ignore[attr-defined]

    def filtered(self, schools: Any) -> Any:
        """``schools`` narrowed by the valid filters; an invalid one is dropped."""
        data = (
            self.cleaned_data
            if self.is_valid()
            else {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        )
        if data.get("name"):
            schools = schools.filter(name__contains=data["name"].strip())
        if data.get("township"):
            schools = schools.filter(township_id=data["township"])
        if data.get("school_type"):
            schools = schools.filter(school_type=data["school_type"])
        if data.get("locality"):
            schools = schools.filter(locality=data["locality"])
        return schools


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX_LENGTH)


def kind_choices() -> list[tuple[str, str]]:
    return [(kind, kinds()[kind].description) for kind in KINDS]


def layout_choices() -> list[tuple[str, Any]]:
    """Layouts grouped by the kind of file they describe."""
    grouped: dict[str, list[tuple[str, str]]] = {}
    for layout in layouts().values():
        grouped.setdefault(layout.kind, []).append(
            (layout.name, f"{layout.name} · {layout.description}")
        )
    return [("", _("Recognise the columns by their headers"))] + [
        (kinds()[kind].description, options) for kind, options in grouped.items()
    ]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of file"), choices=kind_choices)
    file = forms.FileField(
        label=_("File"),
        widget=forms.FileInput(attrs={"accept": ",".join(ALLOWED_SUFFIXES)}),
    )
    term = forms.CharField(
        label=_("Term (student registers only)"),
        max_length=20,
        required=False,
        help_text=_("For example 2020-autumn or 2021-spring."),
    )
    layout = forms.ChoiceField(label=_("Layout"), choices=layout_choices, required=False)
    dry_run = forms.BooleanField(
        label=_("Dry run: check the file and count the changes, write nothing"), required=False
    )
    partial = forms.BooleanField(
        label=_("Import the good rows only, if some rows have errors"), required=False
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        name = uploads.display_name(upload)
        if PurePath(name).suffix.lower() not in ALLOWED_SUFFIXES:
            raise ValidationError(
                _("%(name)s is not an .xlsx, .xls or .csv file."),
                code="extension",
                params={"name": name},
            )
        limit = settings.UPLOAD_MAX_BYTES
        if (upload.size or 0) > limit:
            raise ValidationError(
                _(
                    "The file %(name)s is %(size)s, over the upload limit of %(limit)s; import "
                    "larger files on the command line with notoneless import."
                ),
                code="too_large",
                params={
                    "name": name,
                    "size": uploads.format_size(upload.size or 0, limit),
                    "limit": uploads.format_size(limit),
                },
            )
        return upload

    def clean_term(self) -> str:
        term = str(self.cleaned_data["term"]).strip()
        if term and not TERM_CODE.match(term):
            raise ValidationError(
                _("Write the term like 2020-autumn or 2021-spring."), code="invalid"
            )
        return term

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, layout = data.get("kind"), data.get("layout")
        if kind and layout and layouts()[layout].kind != kind:
            self.add_error(
                "layout",
                ValidationError(
                    _("This layout is for another kind of file: %(kind)s."),
                    code="kind",
                    params={"kind": kinds()[layouts()[layout].kind].description},
                ),
            )
        return data
