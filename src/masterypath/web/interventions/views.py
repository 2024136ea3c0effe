"""Intervention pages for staff: start one (for a student or a section's group), record a root
cause, follow one (sessions, probe checks, progress against the goal line, close with an
outcome) and the caseload of what is due this week. Guards decide who sees what (404 else)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from masterypath.accounts.models import Role, User
from masterypath.continuum.models import Domain
from masterypath.interventions.access import (
    LEADER_ROLES,
    access_intervention_for_change,
    access_student_for_intervention,
    root_causes_visible_to,
    staff_user,
    strategies_visible_to,
)
from masterypath.interventions.errors import InterventionError
from masterypath.interventions.models import Outcome, RootCauseScope
from masterypath.interventions.selectors import (
    InterventionView,
    ParticipantProgress,
    caseload_for_staff,
    intervention_sessions,
    intervention_view,
    interventions_for_student,
    tier_history_for_student,
)
from masterypath.interventions.services import (
    intervention_start,
    participant_close,
    progress_check_record,
    root_cause_record,
    session_log,
)
from masterypath.reports.what_works import what_works
from masterypath.roster.access import (
    access_section_by_id,
    active_user,
    district_administered_by,
    schools_visible_to,
)
from masterypath.roster.models import Section, Staff, Student
from masterypath.roster.selectors import student_list_for_section
from masterypath.schools.models import District
from masterypath.web.charts import Chart, ProgressMark, aim_line_chart
from masterypath.web.interventions.forms import (
    CheckForm,
    CloseForm,
    RootCauseForm,
    SessionForm,
    StartForm,
)


def _staff_of(request: HttpRequest) -> tuple[User, Staff]:
    user = staff_user(request.user)
    staff = Staff.objects.filter(user=user).first() if user is not None else None
    if user is None or staff is None:
        raise Http404("Staff only.")
    return user, staff


def _who(request: HttpRequest, user: User) -> tuple[list[Student], Section | None]:
    """The students a start or root-cause page is for: `?student=` or a section's roster."""
    section_id = request.GET.get("section", "")
    student_id = request.GET.get("student", "")
    if section_id.isdigit():
        section = access_section_by_id(user, int(section_id))
        return list(student_list_for_section(section=section)), section
    if student_id.isdigit():
        return [access_student_for_intervention(user, int(student_id))], None
    raise Http404("Choose a student or a section.")


def _students_qs(students: list[Student]) -> QuerySet[Student]:
    return Student.objects.filter(pk__in=[s.pk for s in students]).order_by(
        "family_name", "given_name"
    )


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """Start an intervention for `?student=<id>` or for students of `?section=<id>`."""
    user, staff = _staff_of(request)
    students, section = _who(request, user)
    strategies = strategies_visible_to(user).filter(is_active=True)
    domains = Domain.objects.filter(pk__in=strategies.values("domains")).order_by("title")
    root_causes = root_causes_visible_to(user).order_by("-held_on")
    today = timezone.localdate()
    initial: dict[str, Any] = {
        "starts_on": today,
        "ends_on": today + timedelta(weeks=8),
        "goal_on": today + timedelta(weeks=8),
        "students": [s.pk for s in students] if len(students) == 1 else [],
    }
    if (root_cause := request.GET.get("root_cause", "")).isdigit():
        initial["root_cause"] = int(root_cause)
    form = StartForm(
        request.POST or None,
        initial=initial,
        strategies=strategies,
        domains=domains,
        students=_students_qs(students),
        root_causes=root_causes,
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                intervention = intervention_start(
                    actor=user,
                    strategy=data["strategy"],
                    students=list(data["students"]),
                    staff=staff,
                    domain=data["domain"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    goal_on=data["goal_on"],
                    goal_gain=data["goal_gain"],
                    root_cause=data["root_cause"],
                    section=section,
                    today=today,
                )
            except InterventionError as failure:
                form.add_error(
                    failure.field if failure.field in form.fields else None, failure.message
                )
            else:
                messages.success(request, _("Intervention started."))
                return redirect("interventions:detail", intervention.pk)
    context = {
        "form": form,
        "students": students,
        "section": section,
        "root_cause_url": reverse("interventions:root-cause-new") + "?" + request.GET.urlencode(),
    }
    return render(request, "interventions/start.html", context, status=status)


@login_required
def root_cause_new(request: HttpRequest) -> HttpResponse:
    """A 5 Whys chain and a fishbone for `?student=` or `?section=`; then back to the start
    page with the root cause chosen."""
    user, _staff = _staff_of(request)
    students, section = _who(request, user)
    form = RootCauseForm(request.POST or None, initial={"held_on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                record = root_cause_record(
                    actor=user,
                    school=students[0].school if students else section.school,  # type: ignore[union-attr]
                    scope=RootCauseScope.STUDENT if len(students) == 1 else RootCauseScope.GROUP,
                    students=students,
                    problem=data["problem"],
                    whys=form.whys(),
                    causes=form.causes(),
                    root_cause=data["root_cause"],
                    held_on=data["held_on"],
                    data_consulted=data["data_consulted"],
                    participants=data["participants"],
                    today=timezone.localdate(),
                )
            except InterventionError as failure:
                form.add_error(
                    failure.field if failure.field in form.fields else None, failure.message
                )
            else:
                messages.success(request, _("Root cause recorded."))
                query = request.GET.copy()
                query["root_cause"] = str(record.pk)
                return redirect(reverse("interventions:start") + "?" + query.urlencode())
    context = {"form": form, "students": students, "section": section}
    return render(request, "interventions/root_cause_new.html", context, status=status)


def progress_chart(view: InterventionView, progress: ParticipantProgress) -> Chart:
    i = view.intervention
    return aim_line_chart(
        title=_("%(name)s: progress in %(area)s against the goal line")
        % {"name": progress.student.display_name, "area": i.domain.title},
        start=i.starts_on,
        baseline=progress.baseline,
        goal_on=i.goal_on,
        goal=progress.goal,
        points=[ProgressMark(on=p.on, level=p.level, source=p.source) for p in progress.points],
        level_label=_("Level"),
    )


def _detail(
    request: HttpRequest,
    intervention_id: int,
    *,
    forms: dict[str, Any] | None = None,
    error: str = "",
) -> HttpResponse:
    user, _staff = _staff_of(request)
    intervention = access_intervention_for_change(user, intervention_id)
    today = timezone.localdate()
    view = intervention_view(actor=user, intervention=intervention, as_of=today)
    forms = forms or {}
    context = {
        "view": view,
        "intervention": view.intervention,
        "rows": [(p, progress_chart(view, p)) for p in view.participants],
        "sessions": intervention_sessions(intervention=intervention),
        "session_form": forms.get("session") or SessionForm(initial={"held_on": today}),
        "check_form": forms.get("check") or CheckForm(initial={"checked_on": today}),
        "close_form": forms.get("close") or CloseForm(initial={"closed_on": today}),
        "error": error,
    }
    return render(request, "interventions/detail.html", context, status=422 if error else 200)


@login_required
def detail(request: HttpRequest, intervention_id: int) -> HttpResponse:
    return _detail(request, intervention_id)


def _fail(request: HttpRequest, intervention_id: int, name: str, form: Any) -> HttpResponse:
    error = "; ".join(str(m) for errors in form.errors.values() for m in errors)
    return _detail(request, intervention_id, forms={name: form}, error=error)


@login_required
@require_POST
def session_new(request: HttpRequest, intervention_id: int) -> HttpResponse:
    user, _staff = _staff_of(request)
    intervention = access_intervention_for_change(user, intervention_id)
    form = SessionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            session_log(
                actor=user,
                intervention=intervention,
                held_on=data["held_on"],
                minutes=data["minutes"],
                was_delivered=data["was_delivered"],
                note=data["note"],
            )
        except InterventionError as failure:
            return _detail(request, intervention_id, forms={"session": form}, error=failure.message)
        messages.success(request, _("Session logged."))
        return redirect("interventions:detail", intervention.pk)
    return _fail(request, intervention_id, "session", form)


def _participant(request: HttpRequest, intervention_id: int, participant_id: int) -> Any:
    user, _staff = _staff_of(request)
    intervention = access_intervention_for_change(user, intervention_id)
    participant = (
        intervention.participants.filter(pk=participant_id)
        .select_related("student", "intervention__domain")
        .first()
    )
    if participant is None:
        raise Http404("No such participant.")
    return user, intervention, participant


@login_required
@require_POST
def check_new(request: HttpRequest, intervention_id: int, participant_id: int) -> HttpResponse:
    user, intervention, participant = _participant(request, intervention_id, participant_id)
    form = CheckForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            progress_check_record(
                actor=user,
                participant=participant,
                checked_on=data["checked_on"],
                level=data["level"],
                note=data["note"],
            )
        except InterventionError as failure:
            return _detail(request, intervention_id, forms={"check": form}, error=failure.message)
        messages.success(request, _("Progress check recorded."))
        return redirect("interventions:detail", intervention.pk)
    return _fail(request, intervention_id, "check", form)


@login_required
@require_POST
def close(request: HttpRequest, intervention_id: int, participant_id: int) -> HttpResponse:
    user, intervention, participant = _participant(request, intervention_id, participant_id)
    form = CloseForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            participant_close(
                actor=user,
                participant=participant,
                outcome=Outcome(data["outcome"]),
                closed_on=data["closed_on"],
                reason=data["reason"],
            )
        except InterventionError as failure:
            return _detail(request, intervention_id, forms={"close": form}, error=failure.message)
        messages.success(request, _("Outcome recorded."))
        return redirect("interventions:detail", intervention.pk)
    return _fail(request, intervention_id, "close", form)


@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    """The signed-in staff member's active interventions and what is due this week."""
    user, staff = _staff_of(request)
    today = timezone.localdate()
    rows = caseload_for_staff(actor=user, staff=staff, as_of=today)
    context = {
        "rows": rows,
        "today": today,
        "due_count": sum(1 for r in rows if r.needs_attention),
    }
    return render(request, "interventions/caseload.html", context)


def student_section(user: User, student: Student) -> dict[str, Any]:
    """The interventions block of a student's profile: each support with this student's
    progress chart, the tier history, and whether the reader may start one."""
    views = interventions_for_student(actor=user, student=student, as_of=timezone.localdate())
    return {
        "items": [
            (view, progress, progress_chart(view, progress))
            for view in views
            for progress in view.participants
        ],
        "tiers": tier_history_for_student(student=student),
        "can_start": staff_user(user) is not None,
    }


@login_required
def what_works_page(request: HttpRequest) -> HttpResponse:
    """Per strategy: growth against matched similar students, success rate, cost per level,
    per student group with suppression. A counselor's or principal's school; a district
    admin's whole district (`?school=<id>` narrows it to one school)."""
    user = active_user(request.user)
    if user is None or user.role not in LEADER_ROLES:
        raise Http404("Leaders only.")
    school = None
    school_id = request.GET.get("school", "")
    if user.role != Role.DISTRICT_ADMIN or school_id.isdigit():
        schools = schools_visible_to(user)
        school = (
            schools.filter(pk=int(school_id)).first() if school_id.isdigit() else schools.first()
        )
        if school is None:
            raise Http404("No such school.")
    district_id = district_administered_by(user) if school is None else school.district_id
    district = District.objects.filter(pk=district_id).first() if district_id else None
    if district is None:
        raise Http404("No district.")
    report = what_works(district=district, school=school, as_of=timezone.localdate())
    context = {"report": report, "school": school, "district": district}
    return render(request, "interventions/what_works.html", context)
