"""Flexible groups of a section: save a suggested group under a name (or choose students by
hand), delete a saved one. Writes go through `groups.services`; bad input is a form error."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from masterypath.evidence.access import access_scorable_section_by_id
from masterypath.groups.access import access_student_group_by_id
from masterypath.groups.models import NAME_MAX_LENGTH, GroupBasis
from masterypath.groups.services import GroupError, student_group_delete, student_group_save
from masterypath.roster.models import Student
from masterypath.roster.selectors import student_list_for_section
from masterypath.web.forms import offer_people
from masterypath.web.teacher.views.common import section_nav


class GroupForm(forms.Form):
    name = forms.CharField(label="Group name", max_length=NAME_MAX_LENGTH)
    students: forms.ModelMultipleChoiceField[Student] = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple
    )
    basis = forms.ChoiceField(
        choices=GroupBasis.choices, initial=GroupBasis.CHOSEN, widget=forms.HiddenInput
    )
    focus_target = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, students: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_people(self, "students", students)


def _dashboard(section_id: int) -> str:
    return reverse("teacher:section-dashboard", args=[section_id]) + "#groups-heading"


@login_required
def group_new(request: HttpRequest, section_id: int) -> HttpResponse:
    """GET: the form to make a group by hand; POST: save one (from a suggestion or the form)."""
    section = access_scorable_section_by_id(request.user, section_id)
    form = GroupForm(request.POST or None, students=student_list_for_section(section=section))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group = student_group_save(
                actor=request.user,
                section=section,
                name=data["name"],
                student_ids=[s.pk for s in data["students"]],
                basis=GroupBasis(data["basis"]),
                focus_target_id=data["focus_target"],
            )
        except GroupError as failure:
            field = failure.context.get("field", "name")
            form.add_error(field if field in form.fields else None, failure.message)
        else:
            messages.success(request, f"Saved the group {group.name}.")
            return redirect(_dashboard(section.pk))
    status = 400 if request.method == "POST" else 200
    context = {**section_nav(section, "dashboard"), "form": form}
    return render(request, "teacher/group_form.html", context, status=status)


@login_required
@require_POST
def group_delete(request: HttpRequest, group_id: int) -> HttpResponse:
    group = access_student_group_by_id(request.user, group_id)
    section_id, name = group.section_id, group.name
    student_group_delete(actor=request.user, group=group)
    messages.success(request, f"Deleted the group {name}.")
    return redirect(_dashboard(section_id))
