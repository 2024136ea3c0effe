"""Forms of the plan pages: they parse input; the plans services decide what is allowed."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from masterypath.plans.errors import PlanError
from masterypath.plans.models import GoalKind, GroupPreference, ModePreference, NoteKind

DATE = forms.DateInput(attrs={"type": "date"})


def add_plan_error(form: forms.Form, error: PlanError) -> None:
    """Show a service's refusal next to the field it names (or above the form)."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Name of the plan"), max_length=200)
    starts_on = forms.DateField(label=_("Starts"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends"), widget=DATE)
    template = forms.TypedChoiceField(
        label=_("Start from"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, templates: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [("", _("An empty plan")), *templates]  # type: ignore[attr-defined]


class GoalForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of goal"), choices=GoalKind.choices)
    title = forms.CharField(
        label=_("My goal"), max_length=300, required=False, widget=forms.TextInput()
    )
    measure = forms.CharField(label=_("How we will know"), max_length=2000, required=False)
    target_on = forms.DateField(label=_("By when"), widget=DATE)
    targets = forms.CharField(
        label=_("Learning targets (codes)"),
        required=False,
        help_text=_("For an academic goal, e.g. 4.NF.1, 4.NF.2"),
    )

    def target_codes(self) -> list[str]:
        raw: str = self.cleaned_data.get("targets") or ""
        return [code for code in re.split(r"[,\s]+", raw) if code]


class StepForm(forms.Form):
    what = forms.CharField(label=_("What I will do"), max_length=300)
    due_on = forms.DateField(label=_("By when"), widget=DATE)
    is_daily = forms.BooleanField(label=_("A step for that day"), required=False)


class DropForm(forms.Form):
    reason = forms.CharField(label=_("Why drop this goal?"), max_length=2000, required=False)


class NoteForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=NoteKind.choices)
    body = forms.CharField(
        label=_("Note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    goal = forms.IntegerField(required=False, widget=forms.HiddenInput())
    change_field = forms.ChoiceField(
        label=_("Change"),
        required=False,
        choices=[
            ("", "-"),
            ("title", _("the goal")),
            ("measure", _("the measure")),
            ("target_on", _("the date")),
        ],
    )
    change_value = forms.CharField(label=_("to"), required=False, max_length=300)


class ProfileForm(forms.Form):
    strengths = forms.CharField(
        label=_("My strengths"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    interests = forms.CharField(
        label=_("My interests"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    aspirations = forms.CharField(
        label=_("What I hope to do"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    group_preferences = forms.MultipleChoiceField(
        label=_("I like to work"),
        required=False,
        choices=GroupPreference.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    mode_preferences = forms.MultipleChoiceField(
        label=_("I learn best by"),
        required=False,
        choices=ModePreference.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.CharField(label=_("Languages I speak"), required=False)
    supports = forms.CharField(
        label=_("What helps me"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
