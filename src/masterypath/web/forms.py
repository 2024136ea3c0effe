"""Form parts the teacher and student pages share: target choices, DOK, uploading work.

Forms parse input; the evidence services decide what is allowed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from masterypath.continuum.models import LearningTarget

if TYPE_CHECKING:
    from masterypath.roster.models import Student

    _TargetChoices = forms.ModelMultipleChoiceField[LearningTarget]
else:
    _TargetChoices = forms.ModelMultipleChoiceField  # not subscriptable at runtime

# Students pick a DOK when they upload work: the labels follow the reader's language.
DOK_CHOICES = [
    ("", _("Not set")),
    ("1", _("1 · Recall")),
    ("2", _("2 · Skills and concepts")),
    ("3", _("3 · Strategic thinking")),
    ("4", _("4 · Extended thinking")),
]


class TargetChoiceField(_TargetChoices):
    def label_from_instance(self, obj: LearningTarget) -> str:
        return f"{obj.code} · {obj.statement[:90]}"


def model_choices(form: forms.Form, name: str) -> forms.ModelChoiceField[Any]:
    """`form`'s model choice field `name` (`Form.fields` types its values as plain fields)."""
    return cast("forms.ModelChoiceField[Any]", form.fields[name])


def person_label(person: Student) -> str:
    return f"{person.family_name}, {person.given_name}"


def offer_targets(form: forms.Form, targets: list[LearningTarget], name: str = "targets") -> None:
    """Let the field `name` choose among `targets` (already fetched: no query to list them)."""
    field = model_choices(form, name)
    field.queryset = LearningTarget.objects.filter(pk__in=[t.pk for t in targets])
    field.choices = [(t.pk, f"{t.code} · {t.statement[:90]}") for t in targets]


def offer_people(form: forms.Form, name: str, people: QuerySet[Student]) -> None:
    """Let the field `name` choose among `people`, labelled "Family, Given"."""
    field = model_choices(form, name)
    field.queryset = people
    # Django documents replacing label_from_instance per instance; stubs see a method.
    field.label_from_instance = person_label  # type: ignore[method-assign,assignment]


class ArtifactForm(forms.Form):
    """Student work: a file, a title, the targets it shows and its DOK; for staff also the
    student whose work it is."""

    title = forms.CharField(max_length=255, required=False)
    file = forms.FileField()
    targets = TargetChoiceField(
        queryset=LearningTarget.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    dok = forms.TypedChoiceField(
        label="DOK", choices=DOK_CHOICES, coerce=int, empty_value=None, required=False
    )

    def __init__(
        self,
        *args: Any,
        targets: list[LearningTarget],
        students: QuerySet[Student] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if students is not None:
            self.fields["student"] = forms.ModelChoiceField(queryset=students)
            offer_people(self, "student", students)
            self.order_fields(["student", "title", "file", "targets", "dok"])
        offer_targets(self, targets)
