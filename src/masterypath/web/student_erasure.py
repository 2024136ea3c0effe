"""A district administrator erases one student's record, after typing the student's local id
(the service, masterypath.reports.erasure, decides and does it)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from masterypath.accounts.models import User
from masterypath.reports.erasure import ErasureError, student_erase
from masterypath.roster.access import access_student_by_id
from masterypath.roster.services import is_erased
from masterypath.schools.models import District
from masterypath.web.audit_reads import audit_students_read
from masterypath.web.district import admin_district_id


class EraseForm(forms.Form):
    confirm_local_id = forms.CharField(
        label="Type the student's local id to confirm", max_length=40, strip=True
    )


@login_required
@require_http_methods(["GET", "POST"])
def student_erase_view(request: HttpRequest, student_id: int) -> HttpResponse:
    district_id = admin_district_id(request)
    student = access_student_by_id(request.user, student_id)
    if student.district_id != district_id or not isinstance(request.user, User):
        raise Http404("No such student.")
    form = EraseForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = student_erase(
                actor=request.user,
                student=student,
                confirm_local_id=form.cleaned_data["confirm_local_id"],
            )
        except ErasureError as error:
            form.add_error("confirm_local_id", error.message)
        else:
            student.refresh_from_db()
    if result is None:
        audit_students_read(actor=request.user, students=[student], page="student.erase")
    context = {
        "district": District.objects.get(pk=district_id),
        "student": student,
        "form": form,
        "result": result,
        "erased": is_erased(student),
    }
    status = 400 if request.method == "POST" and result is None else 200
    return render(request, "erasure/confirm.html", context, status=status)
