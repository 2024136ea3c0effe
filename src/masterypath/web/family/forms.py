"""The progress report's period: two dates, checked before anything is read."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

LONGEST_PERIOD = timedelta(days=731)  # two school years
EARLIEST = date(2000, 1, 1)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ReportPeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput(), input_formats=["%Y-%m-%d"])
    end = forms.DateField(label=_("To"), widget=DateInput(), input_formats=["%Y-%m-%d"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is None or end is None:
            return cleaned
        today = timezone.localdate()
        if start < EARLIEST:
            self.add_error("start", _("Choose a date in 2000 or later."))
        if end > today:
            self.add_error("end", _("The period cannot end after today."))
        if start > end:
            self.add_error("end", _("The end date must be on or after the start date."))
        elif end - start > LONGEST_PERIOD:
            self.add_error("end", _("Choose a period of two years or less."))
        return cleaned
