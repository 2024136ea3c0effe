"""Forms of the intervention pages: they parse input; the services validate the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from masterypath.continuum.models import Domain
from masterypath.interventions.models import CauseCategory, Outcome, RootCause, Strategy
from masterypath.roster.models import Student

DATE = forms.DateInput(attrs={"type": "date"})


class StartForm(forms.Form):
    strategy = forms.ModelChoiceField(queryset=Strategy.objects.none(), label=_("Strategy"))
    domain = forms.ModelChoiceField(queryset=Domain.objects.none(), label=_("Area"))
    students = forms.ModelMultipleChoiceField(
        queryset=Student.objects.none(), widget=forms.CheckboxSelectMultiple, label=_("Students")
    )
    starts_on = forms.DateField(widget=DATE, label=_("Start"))
    ends_on = forms.DateField(widget=DATE, label=_("End"))
    goal_on = forms.DateField(widget=DATE, label=_("Goal date"))
    goal_gain = forms.FloatField(
        min_value=0.05, max_value=3, initial=0.5, label=_("Levels to gain by the goal date")
    )
    root_cause = forms.ModelChoiceField(
        queryset=RootCause.objects.none(), required=False, label=_("Root cause it answers")
    )

    def __init__(
        self,
        *args: Any,
        strategies: QuerySet[Strategy],
        domains: QuerySet[Domain],
        students: QuerySet[Student],
        root_causes: QuerySet[RootCause],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["strategy"].queryset = strategies  # type: ignore[attr-defined]
        self.fields["domain"].queryset = domains  # type: ignore[attr-defined]
        self.fields["students"].queryset = students  # type: ignore[attr-defined]
        self.fields["root_cause"].queryset = root_causes  # type: ignore[attr-defined]


class SessionForm(forms.Form):
    held_on = forms.DateField(widget=DATE, label=_("Date"))
    minutes = forms.IntegerField(min_value=0, max_value=600, initial=30, label=_("Minutes"))
    was_delivered = forms.BooleanField(required=False, initial=True, label=_("Held"))
    note = forms.CharField(required=False, max_length=500, label=_("Note (why, if missed)"))


class CheckForm(forms.Form):
    checked_on = forms.DateField(widget=DATE, label=_("Date"))
    level = forms.FloatField(label=_("Level reached (probe)"))
    note = forms.CharField(required=False, max_length=500, label=_("Note"))


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(choices=Outcome.choices, label=_("Outcome"))
    closed_on = forms.DateField(widget=DATE, label=_("Date"))
    reason = forms.CharField(required=False, max_length=500, label=_("Reason"))


class RootCauseForm(forms.Form):
    problem = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("The problem"))
    why_1 = forms.CharField(label=_("Why? (1)"))
    why_2 = forms.CharField(required=False, label=_("Why? (2)"))
    why_3 = forms.CharField(required=False, label=_("Why? (3)"))
    why_4 = forms.CharField(required=False, label=_("Why? (4)"))
    why_5 = forms.CharField(required=False, label=_("Why? (5)"))
    root_cause = forms.CharField(label=_("The root cause to act on"))
    data_consulted = forms.CharField(required=False, label=_("Data consulted"))
    participants = forms.CharField(required=False, label=_("Who took part"))
    held_on = forms.DateField(widget=DATE, label=_("Date"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One text box per fishbone bone, in order: school-side causes first.
        for value, label in CauseCategory.choices:
            self.fields[f"cause_{value}"] = forms.CharField(
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                label=label,
                help_text=_("One cause per line."),
            )

    def whys(self) -> list[str]:
        return [self.cleaned_data[f"why_{n}"] for n in range(1, 6)]

    def causes(self) -> dict[str, list[str]]:
        return {
            value: self.cleaned_data[f"cause_{value}"].splitlines()
            for value in CauseCategory.values
        }

    def cause_fields(self) -> list[forms.BoundField]:
        return [self[f"cause_{value}"] for value in CauseCategory.values]

    def why_fields(self) -> list[forms.BoundField]:
        return [self[f"why_{n}"] for n in range(1, 6)]
