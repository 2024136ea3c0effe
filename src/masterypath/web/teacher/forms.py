"""Forms of the teacher pages: they parse input; the evidence services decide what is allowed."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils import timezone

from masterypath.continuum.models import LearningTarget, Rubric
from masterypath.evidence.models import EvidenceKind

if TYPE_CHECKING:
    from masterypath.roster.models import Student

    _TargetChoices = forms.ModelMultipleChoiceField[LearningTarget]
else:
    _TargetChoices = forms.ModelMultipleChoiceField  # not subscriptable at runtime

ASSESSMENT_KINDS = [
    (kind.value, kind.label)
    for kind in EvidenceKind
    if kind
    not in {EvidenceKind.SELF_ASSESSMENT, EvidenceKind.OBSERVATION, EvidenceKind.WORK_SAMPLE}
]
DOK_CHOICES = [
    ("", "Not set"),
    ("1", "1 · Recall"),
    ("2", "2 · Skills and concepts"),
    ("3", "3 · Strategic thinking"),
    ("4", "4 · Extended thinking"),
]


class TargetChoiceField(_TargetChoices):
    def label_from_instance(self, obj: LearningTarget) -> str:
        return f"{obj.code} · {obj.statement[:90]}"


def _model_choices(form: forms.Form, name: str) -> forms.ModelChoiceField[Any]:
    """`form`'s model choice field `name` (`Form.fields` types its values as plain fields)."""
    return cast("forms.ModelChoiceField[Any]", form.fields[name])


def _person_label(person: Student) -> str:
    return f"{person.family_name}, {person.given_name}"


def _submission_id() -> str:
    return uuid.uuid4().hex


class AssessmentForm(forms.Form):
    title = forms.CharField(max_length=255)
    kind = forms.ChoiceField(choices=ASSESSMENT_KINDS, initial=EvidenceKind.FORMATIVE)
    assessed_on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    dok = forms.TypedChoiceField(
        label="DOK", choices=DOK_CHOICES, coerce=int, empty_value=None, required=False
    )
    targets = TargetChoiceField(
        queryset=LearningTarget.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    rubric = forms.ModelChoiceField(
        queryset=Rubric.objects.none(), required=False, empty_label="No rubric"
    )

    def __init__(
        self, *args: Any, targets: list[LearningTarget], rubrics: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _model_choices(self, "targets").queryset = LearningTarget.objects.filter(
            pk__in=[t.pk for t in targets]
        )
        _model_choices(self, "targets").choices = [
            (t.pk, f"{t.code} · {t.statement[:90]}") for t in targets
        ]
        _model_choices(self, "rubric").queryset = rubrics
        self.fields["assessed_on"].initial = timezone.localdate()


class ExitTicketForm(forms.Form):
    title = forms.CharField(max_length=255, required=False)
    targets = TargetChoiceField(
        queryset=LearningTarget.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose 1 to 3 targets.",
    )
    allows_self_assessment = forms.BooleanField(
        required=False, label="Students also rate themselves on their own login"
    )

    def __init__(self, *args: Any, targets: list[LearningTarget], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_choices(self, "targets").queryset = LearningTarget.objects.filter(
            pk__in=[t.pk for t in targets]
        )
        _model_choices(self, "targets").choices = [
            (t.pk, f"{t.code} · {t.statement[:90]}") for t in targets
        ]


class ObservationForm(forms.Form):
    students: forms.ModelMultipleChoiceField[Student] = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    targets = TargetChoiceField(
        queryset=LearningTarget.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Targets or habits",
    )
    score = forms.DecimalField(
        required=False, label="Level (optional)", max_digits=5, decimal_places=2
    )
    submission = forms.CharField(widget=forms.HiddenInput, initial=_submission_id)

    def __init__(
        self, *args: Any, students: Any, targets: list[LearningTarget], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _model_choices(self, "students").queryset = students
        # Django documents replacing label_from_instance per instance; stubs see a method.
        _model_choices(self, "students").label_from_instance = _person_label  # type: ignore[method-assign,assignment]
        _model_choices(self, "targets").queryset = LearningTarget.objects.filter(
            pk__in=[t.pk for t in targets]
        )
        _model_choices(self, "targets").choices = [
            (t.pk, f"{t.code} · {t.statement[:90]}") for t in targets
        ]


class ArtifactForm(forms.Form):
    title = forms.CharField(max_length=255, required=False)
    file = forms.FileField()
    targets = TargetChoiceField(
        queryset=LearningTarget.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    dok = forms.TypedChoiceField(
        label="DOK", choices=DOK_CHOICES, coerce=int, empty_value=None, required=False
    )

    def __init__(
        self, *args: Any, targets: list[LearningTarget], students: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if students is not None:
            self.fields["student"] = forms.ModelChoiceField(queryset=students)
            _model_choices(self, "student").label_from_instance = _person_label  # type: ignore[method-assign,assignment]
            self.order_fields(["student", "title", "file", "targets", "dok"])
        _model_choices(self, "targets").queryset = LearningTarget.objects.filter(
            pk__in=[t.pk for t in targets]
        )
        _model_choices(self, "targets").choices = [
            (t.pk, f"{t.code} · {t.statement[:90]}") for t in targets
        ]


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV file")


class VoidForm(forms.Form):
    reason = forms.CharField(max_length=500)
