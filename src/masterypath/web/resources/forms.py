"""Forms of the resource pages: they parse input; the resources services decide."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from masterypath.resources.errors import ResourceError
from masterypath.resources.models import ResourceKind

LANGUAGE_CHOICES = [("en", "English"), ("es", "Español")]
DOK = [("", "-"), ("1", "1"), ("2", "2"), ("3", "3"), ("4", "4")]


def add_resource_error(form: forms.Form, error: ResourceError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


class ResourceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=ResourceKind.choices)
    url = forms.CharField(label=_("Link"), max_length=500, required=False)
    upload = forms.FileField(label=_("Or a file"), required=False)
    targets = forms.CharField(label=_("Learning targets (codes)"), required=False)
    dok = forms.TypedChoiceField(
        label="DOK", choices=DOK, coerce=int, empty_value=None, required=False
    )
    minutes = forms.IntegerField(label=_("Minutes to complete"), min_value=1, max_value=600)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def target_codes(self) -> list[str]:
        raw: str = self.cleaned_data.get("targets") or ""
        return [code for code in re.split(r"[,\s]+", raw) if code]
