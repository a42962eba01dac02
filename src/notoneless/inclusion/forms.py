"""Forms of the inclusion pages: an assessment, a committee decision, a plan version, a pause, and the
phone form of a home-teaching session."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from notoneless.inclusion.models import Setting, Severity
from notoneless.inclusion.rules import home_teaching_rules
from notoneless.registry.choices import DisabilityType
from notoneless.registry.models import Teacher

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AssessmentForm(forms.Form):
    student = forms.CharField(
        label=_("Student number or ID number"),
        max_length=30,
        help_text=_("The child must be enrolled in your school (or your scope)."),
    )
    disability_type = forms.ChoiceField(label=_("Disability type"), choices=DisabilityType.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    assessor = forms.CharField(label=_("Assessor (name and institution)"), max_length=200)
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DATE)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(forms.Form):
    setting = forms.ChoiceField(label=_("Placement decided"), choices=Setting.choices)
    special_support = forms.BooleanField(
        label=_("Needs an individual plan (special support)"), required=False
    )
    committee_members = forms.CharField(
        label=_("Committee members taking the decision (one a line)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.CharField(
        label=_("Reason for the decision"), widget=forms.Textarea(attrs={"rows": 3})
    )
    guardian_name = forms.CharField(label=_("Guardian"), max_length=60)
    guardian_consent = forms.BooleanField(label=_("The guardian consents"), required=False)
    consent_on = forms.DateField(label=_("Consent given on"), widget=DATE)
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE)


class TeacherChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Teacher) -> str:
        return f"{obj.name} · {obj.school.name}"


class PlanVersionForm(forms.Form):
    goals = forms.CharField(label=_("Goals"), widget=forms.Textarea(attrs={"rows": 4}))
    teachers = TeacherChoice(label=_("Teachers"), queryset=Teacher.objects.none())
    schedule = forms.CharField(
        label=_("Weekly schedule"),
        help_text=_("One visit a line: weekday, start time, class hours (e.g. 周二 09:00 3)."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    valid_from = forms.DateField(label=_("In force from"), widget=DATE)
    review_on = forms.DateField(label=_("Review on"), widget=DATE)
    note = forms.CharField(label=_("What changed"), required=False, max_length=300)

    def __init__(self, *args: object, teachers: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["teachers"]
        assert isinstance(field, TeacherChoice)
        field.queryset = teachers if teachers is not None else Teacher.objects.none()  # type: ignore[assignment]


class PauseForm(forms.Form):
    kind = forms.ChoiceField(label=_("Reason"), choices=())
    start_date = forms.DateField(label=_("First day"), widget=DATE)
    end_date = forms.DateField(label=_("Last day"), widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        kinds = home_teaching_rules().pauses
        self.fields["kind"].choices = [(k, p.label) for k, p in kinds.items()]  # type: ignore[attr-defined]


class SessionForm(forms.Form):
    """The phone form: every field may be left empty here, so that the action names what is missing."""

    plan = forms.IntegerField(widget=forms.HiddenInput, required=False)
    student = forms.IntegerField(widget=forms.HiddenInput, required=False)
    teacher = forms.TypedChoiceField(label=_("Teacher"), coerce=int, required=False, choices=())
    held_on = forms.DateField(label=_("Date held"), widget=DATE)
    class_hours = forms.DecimalField(
        label=_("Class hours"),
        required=False,
        max_digits=3,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0.5", "inputmode": "decimal"}),
    )
    lesson_plan = forms.CharField(
        label=_("Lesson plan"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lesson_plan_file = forms.FileField(
        label=_("or a photo / PDF of the lesson plan"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )
    record_entry = forms.CharField(
        label=_("Record-book entry"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    confirmation_code = forms.CharField(
        label=_("Guardian's confirmation code"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    signature_photo = forms.FileField(
        label=_("or a photo of the guardian's signature"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
