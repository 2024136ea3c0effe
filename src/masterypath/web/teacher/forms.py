"""Forms of the teacher pages: they parse input; the evidence services decide what is allowed."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from masterypath.continuum.models import LearningTarget, Rubric
from masterypath.evidence.models import EvidenceKind
from masterypath.web.forms import DOK_CHOICES, TargetChoiceField, offer_people, offer_targets

if TYPE_CHECKING:
    from masterypath.roster.models import Student

ASSESSMENT_KINDS = [
    (kind.value, kind.label)
    for kind in EvidenceKind
    if kind
    not in {EvidenceKind.SELF_ASSESSMENT, EvidenceKind.OBSERVATION, EvidenceKind.WORK_SAMPLE}
]
# An observation form's one-time id (a uuid4 in hex) is stored as "<id>:<student id>" in a
# 255-character column: a longer id is refused as a form error, not a database error.
SUBMISSION_MAX_LENGTH = 64


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
        self,
        *args: Any,
        targets: list[LearningTarget],
        rubrics: QuerySet[Rubric],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        offer_targets(self, targets)
        self.fields["rubric"].queryset = rubrics  # type: ignore[attr-defined]
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
        offer_targets(self, targets)


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
    submission = forms.CharField(
        widget=forms.HiddenInput,
        initial=_submission_id,
        max_length=SUBMISSION_MAX_LENGTH,
        error_messages={
            "max_length": "This form's id is too long (at most %(limit_value)d characters): "
            "reload the page and enter the observation again."
        },
    )

    def __init__(
        self,
        *args: Any,
        students: QuerySet[Student],
        targets: list[LearningTarget],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        offer_people(self, "students", students)
        offer_targets(self, targets)


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV file")


class VoidForm(forms.Form):
    reason = forms.CharField(max_length=500)
