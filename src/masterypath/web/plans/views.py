"""Plan pages: a student's plans and profile, one plan (goals, steps, notes, history), the
advisor's advisees. Guards decide who sees and who changes; services decide what is allowed;
a refusal shows the form again with the message next to its field (400)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from masterypath.accounts.models import Role, User
from masterypath.continuum.access import access_target_by_code
from masterypath.plans.access import (
    access_goal_by_id,
    access_note_by_id,
    access_plan_by_id,
    access_plan_student_by_id,
    access_step_by_id,
    can_edit_plans_of,
    is_plan_reviewer,
)
from masterypath.plans.errors import PlanError
from masterypath.plans.models import LearningPlan, PlanState
from masterypath.plans.selectors import (
    advisee_rows,
    learner_profile_get,
    learner_profile_history,
    plan_detail_get,
    plan_list_for_student,
    plan_templates_for_school,
    steps_for_today,
)
from masterypath.plans.services import (
    ProfileInput,
    goal_add,
    goal_drop,
    learner_profile_update,
    note_add,
    plan_approve,
    plan_complete,
    plan_create,
    plan_create_from_template,
    plan_return,
    plan_submit,
    proposal_resolve,
    step_add,
    step_set_done,
)
from masterypath.resources.selectors import resource_suggestions_for_student, resources_on_steps
from masterypath.roster.access import active_user
from masterypath.roster.models import Staff, Student
from masterypath.web.audit_reads import audit_students_read
from masterypath.web.plans.forms import (
    DropForm,
    GoalForm,
    NoteForm,
    PlanForm,
    ProfileForm,
    StepForm,
    add_plan_error,
)


def _user(request: HttpRequest) -> User:
    user = active_user(request.user)
    if user is None:
        raise Http404("Sign in.")
    return user


@login_required
def plans_home(request: HttpRequest) -> HttpResponse:
    """A student goes to their own plans; staff to their advisees; anyone else home."""
    user = _user(request)
    if user.role == Role.STUDENT:
        student = Student.objects.filter(user=user).first()
        if student is not None:
            return redirect("plans:student", student_id=student.pk)
    if user.is_staff_member:
        return redirect("plans:advisees")
    return redirect("home")


def _plan_form(student: Student, data: Any = None) -> PlanForm:
    templates = [(t.pk, t.title) for t in plan_templates_for_school(school=student.school)]
    return PlanForm(data, templates=templates, auto_id="plan-%s")


@login_required
def student_plans(request: HttpRequest, student_id: int) -> HttpResponse:
    """A student's plans (and, for who may edit, a form to start one)."""
    user = _user(request)
    write = request.method == "POST"
    student = access_plan_student_by_id(user, student_id, write=write)
    form = _plan_form(student, request.POST if write else None)
    status = 200
    if write:
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["template"]:
                    template = plan_templates_for_school(school=student.school).get(
                        pk=data["template"]
                    )
                    plan = plan_create_from_template(
                        actor=user,
                        student=student,
                        template=template,
                        title=data["title"],
                        starts_on=data["starts_on"],
                        ends_on=data["ends_on"],
                    )
                else:
                    plan = plan_create(
                        actor=user,
                        student=student,
                        title=data["title"],
                        starts_on=data["starts_on"],
                        ends_on=data["ends_on"],
                    )
                return redirect("plans:plan", plan_id=plan.pk)
            except PlanError as error:
                add_plan_error(form, error)
        status = 400
    audit_students_read(actor=user, students=[student], page="plans.student")
    context = {
        "student": student,
        "plans": list(plan_list_for_student(student=student)),
        "form": form,
        "can_edit": can_edit_plans_of(user, student),
        "is_own": student.user_id == user.pk,
        "profile": learner_profile_get(student=student),
    }
    return render(request, "plans/student_plans.html", context, status=status)


def _render_plan(
    request: HttpRequest, plan: LearningPlan, *, status: int = 200, **forms: Any
) -> HttpResponse:
    user = _user(request)
    detail = plan_detail_get(plan_id=plan.pk)
    today = timezone.localdate()
    can_edit = can_edit_plans_of(user, detail.student) and detail.state != PlanState.COMPLETE
    audit_students_read(actor=user, students=[detail.student], page="plans.plan", subject=detail)
    goals = list(detail.goals.all())
    steps = [step for goal in goals for step in goal.steps.all()]
    linked = resources_on_steps(step_ids=[step.pk for step in steps])
    for step in steps:
        setattr(step, "linked_resources", linked.get(step.pk, []))  # noqa: B010
    context = {
        "plan": detail,
        "student": detail.student,
        "goals": goals,
        "today_steps": steps_for_today(plan=detail, on=today),
        "today": today,
        "can_edit": can_edit,
        "is_reviewer": is_plan_reviewer(user) and can_edit,
        "is_student": user.role == Role.STUDENT,
        "notes": list(detail.notes.all()),
        "events": list(detail.events.all()),
        "goal_form": forms.get("goal_form") or GoalForm(auto_id="goal-%s"),
        "step_form": forms.get("step_form"),
        "step_goal_id": forms.get("step_goal_id"),
        "drop_form": forms.get("drop_form"),
        "drop_goal_id": forms.get("drop_goal_id"),
        "note_form": forms.get("note_form") or NoteForm(auto_id="note-%s"),
        "error": forms.get("error"),
        "suggestions": resource_suggestions_for_student(
            student=detail.student, language=get_language() or "en"
        )
        if can_edit
        else [],
        "open_steps": [step for step in steps if step.done_at is None],
    }
    return render(request, "plans/plan.html", context, status=status)


@login_required
def plan_page(request: HttpRequest, plan_id: int) -> HttpResponse:
    return _render_plan(request, access_plan_by_id(_user(request), plan_id))


def _back(plan_id: int, anchor: str = "") -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("plans:plan", args=[plan_id]) + anchor)


@login_required
@require_POST
def goal_add_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = _user(request)
    plan = access_plan_by_id(user, plan_id, write=True)
    form = GoalForm(request.POST, auto_id="goal-%s")
    if form.is_valid():
        data = form.cleaned_data
        targets = []
        for code in form.target_codes():
            try:
                targets.append(access_target_by_code(user, code))
            except Http404:
                form.add_error(
                    "targets", _("No learning target has the code “%(code)s”.") % {"code": code}
                )
        if form.is_valid():
            try:
                goal_add(
                    actor=user,
                    plan=plan,
                    kind=data["kind"],
                    title=data["title"],
                    measure=data["measure"],
                    target_on=data["target_on"],
                    targets=targets,
                )
                return _back(plan.pk, "#goals")
            except PlanError as error:
                add_plan_error(form, error)
    return _render_plan(request, plan, status=400, goal_form=form)


@login_required
@require_POST
def step_add_view(request: HttpRequest, goal_id: int) -> HttpResponse:
    user = _user(request)
    goal = access_goal_by_id(user, goal_id, write=True)
    form = StepForm(request.POST, auto_id=f"step-{goal.pk}-%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            step_add(
                actor=user,
                goal=goal,
                what=data["what"],
                due_on=data["due_on"],
                is_daily=data["is_daily"],
            )
            return _back(goal.plan_id, f"#goal-{goal.pk}")
        except PlanError as error:
            add_plan_error(form, error)
    return _render_plan(request, goal.plan, status=400, step_form=form, step_goal_id=goal.pk)


@login_required
@require_POST
def step_done_view(request: HttpRequest, step_id: int) -> HttpResponse:
    user = _user(request)
    step = access_step_by_id(user, step_id, write=True)
    try:
        step_set_done(actor=user, step=step, done=request.POST.get("done") == "1")
    except PlanError as error:
        return _render_plan(request, step.goal.plan, status=400, error=error.message)
    return _back(step.goal.plan_id, f"#goal-{step.goal_id}")


@login_required
@require_POST
def goal_drop_view(request: HttpRequest, goal_id: int) -> HttpResponse:
    user = _user(request)
    goal = access_goal_by_id(user, goal_id, write=True)
    form = DropForm(request.POST, auto_id=f"drop-{goal.pk}-%s")
    if form.is_valid():
        try:
            goal_drop(actor=user, goal=goal, reason=form.cleaned_data["reason"])
            return _back(goal.plan_id, f"#goal-{goal.pk}")
        except PlanError as error:
            add_plan_error(form, error)
    return _render_plan(request, goal.plan, status=400, drop_form=form, drop_goal_id=goal.pk)


PLAN_ACTIONS = {
    "submit": plan_submit,
    "approve": plan_approve,
    "complete": plan_complete,
}


@login_required
@require_POST
def plan_action_view(request: HttpRequest, plan_id: int, action: str) -> HttpResponse:
    """Send for review, approve, send back (with a comment) or complete."""
    user = _user(request)
    plan = access_plan_by_id(user, plan_id, write=True)
    try:
        if action == "return":
            plan_return(actor=user, plan=plan, comment=request.POST.get("comment", ""))
        elif action in PLAN_ACTIONS:
            PLAN_ACTIONS[action](actor=user, plan=plan)
        else:
            raise Http404("No such action.")
    except PlanError as error:
        return _render_plan(request, plan, status=400, error=error.message)
    return _back(plan.pk)


@login_required
@require_POST
def note_add_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = _user(request)
    plan = access_plan_by_id(user, plan_id, write=True)
    form = NoteForm(request.POST, auto_id="note-%s")
    if form.is_valid():
        data = form.cleaned_data
        goal = None
        if data["goal"]:
            goal = access_goal_by_id(user, data["goal"], write=True)
        change = (
            {"field": data["change_field"], "value": data["change_value"]}
            if data["kind"] == "proposal"
            else None
        )
        try:
            note_add(
                actor=user,
                plan=plan,
                kind=data["kind"],
                body=data["body"],
                goal=goal,
                change=change,
            )
            return _back(plan.pk, "#notes")
        except PlanError as error:
            add_plan_error(form, error)
    return _render_plan(request, plan, status=400, note_form=form)


@login_required
@require_POST
def proposal_resolve_view(request: HttpRequest, note_id: int) -> HttpResponse:
    user = _user(request)
    note = access_note_by_id(user, note_id, write=True)
    try:
        proposal_resolve(actor=user, note=note, accept=request.POST.get("accept") == "1")
    except PlanError as error:
        return _render_plan(request, note.plan, status=400, error=error.message)
    return _back(note.plan_id, "#notes")


@login_required
def profile_page(request: HttpRequest, student_id: int) -> HttpResponse:
    """A learner profile with its history; who may edit it sees the form."""
    user = _user(request)
    write = request.method == "POST"
    student = access_plan_student_by_id(user, student_id, write=write)
    profile = learner_profile_get(student=student)
    status = 200
    if write:
        form = ProfileForm(request.POST, auto_id="profile-%s")
        if form.is_valid():
            try:
                learner_profile_update(
                    actor=user, student=student, values=ProfileInput(**form.cleaned_data)
                )
                return redirect("plans:profile", student_id=student.pk)
            except PlanError as error:
                add_plan_error(form, error)
        status = 400
    else:
        initial = (
            {name: getattr(profile, name) for name in ProfileForm.base_fields} if profile else {}
        )
        form = ProfileForm(initial=initial, auto_id="profile-%s")
    audit_students_read(actor=user, students=[student], page="plans.profile")
    labels = {name: field.label for name, field in ProfileForm.base_fields.items()}
    context = {
        "student": student,
        "profile": profile,
        "history": [
            (version, [str(labels.get(name, name)) for name in version.changed_fields])
            for version in learner_profile_history(student=student)[:20]
        ],
        "form": form,
        "can_edit": can_edit_plans_of(user, student),
    }
    return render(request, "plans/profile.html", context, status=status)


@login_required
def advisees_page(request: HttpRequest) -> HttpResponse:
    """The advisor's advisees: each open plan, what is due this week, what is overdue, and
    the goals with their progress for a check-in."""
    user = _user(request)
    advisor = Staff.objects.filter(user=user).first() if user.is_staff_member else None
    if advisor is None:
        raise Http404("Staff only.")
    today = timezone.localdate()
    rows = advisee_rows(advisor=advisor, on=today)
    audit_students_read(actor=user, students=[row.student for row in rows], page="plans.advisees")
    return render(request, "teacher/advisees.html", {"rows": rows, "today": today})
