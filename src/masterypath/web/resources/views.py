"""Resource pages: the library (everyone of the district), suggesting a resource (staff), the
curator's review queue, the impact report, and the actions a student or teacher takes on a
resource (open, complete, add to a step, assign to a section)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from masterypath.accounts.models import Role, User
from masterypath.continuum.access import access_target_by_code
from masterypath.plans.access import access_step_by_id
from masterypath.resources.access import (
    access_resource_by_id,
    is_curator,
    may_submit_resources,
    resources_visible_to,
)
from masterypath.resources.errors import ResourceError
from masterypath.resources.impact import resource_impact
from masterypath.resources.models import ResourceKind, ReviewStatus, UseAction
from masterypath.resources.selectors import resource_library
from masterypath.resources.services import (
    resource_add_to_step,
    resource_assign_to_section,
    resource_create,
    resource_review,
    resource_use_record,
)
from masterypath.roster.access import (
    access_own_student,
    access_section_by_id,
    active_user,
    sections_visible_to,
)
from masterypath.roster.models import Staff
from masterypath.web.resources.forms import ResourceForm, add_resource_error


def _user(request: HttpRequest) -> User:
    user = active_user(request.user)
    if user is None:
        raise Http404("Sign in.")
    return user


@login_required
def library(request: HttpRequest) -> HttpResponse:
    """The district's approved resources (staff also see those waiting and not approved)."""
    user = _user(request)
    resources = resource_library(
        resources=resources_visible_to(user),
        status=request.GET.get("status", "") if user.is_staff_member else ReviewStatus.APPROVED,
        target_code=request.GET.get("target", "")[:60],
        kind=request.GET.get("kind", "") if request.GET.get("kind") in ResourceKind.values else "",
    )
    context = {
        "resources": list(resources[:200]),
        "kinds": ResourceKind.choices,
        "target": request.GET.get("target", "")[:60],
        "may_submit": may_submit_resources(user),
        "is_curator": is_curator(user),
        "is_student": user.role == Role.STUDENT,
        "sections": list(sections_visible_to(user).select_related("course")[:50])
        if user.role == Role.TEACHER
        else [],
    }
    return render(request, "resources/library.html", context)


@login_required
def resource_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not may_submit_resources(user):
        raise Http404("Staff only.")
    staff = Staff.objects.select_related("district").get(user=user)
    status = 200
    if request.method == "POST":
        form = ResourceForm(request.POST, request.FILES, auto_id="resource-%s")
        if form.is_valid():
            data = form.cleaned_data
            targets = []
            for code in form.target_codes():
                try:
                    targets.append(access_target_by_code(user, code))
                except Http404:
                    form.add_error(
                        "targets",
                        _("No learning target has the code “%(code)s”.") % {"code": code},
                    )
            if form.is_valid():
                try:
                    resource_create(
                        actor=user,
                        district=staff.district,
                        title=data["title"],
                        kind=data["kind"],
                        minutes=data["minutes"],
                        targets=targets,
                        language=data["language"],
                        url=data["url"] or "",
                        upload=data["upload"],
                        dok=data["dok"],
                        description=data["description"],
                    )
                    return redirect(reverse("resources:library") + "?status=submitted")
                except ResourceError as error:
                    add_resource_error(form, error)
        status = 400
    else:
        form = ResourceForm(auto_id="resource-%s")
    return render(request, "teacher/resource_new.html", {"form": form}, status=status)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not is_curator(user):
        raise Http404("Curators only.")
    waiting = resource_library(resources=resources_visible_to(user), status=ReviewStatus.SUBMITTED)
    return render(request, "teacher/resource_review.html", {"resources": list(waiting)})


@login_required
@require_POST
def review_action(request: HttpRequest, resource_id: int) -> HttpResponse:
    user = _user(request)
    resource = access_resource_by_id(user, resource_id)
    try:
        resource_review(
            actor=user,
            resource=resource,
            approve=request.POST.get("approve") == "1",
            note=request.POST.get("note", ""),
        )
    except ResourceError as error:
        waiting = resource_library(
            resources=resources_visible_to(user), status=ReviewStatus.SUBMITTED
        )
        return render(
            request,
            "teacher/resource_review.html",
            {"resources": list(waiting), "error": error.message, "error_for": resource.pk},
            status=400,
        )
    return redirect("resources:review")


@login_required
def impact_report(request: HttpRequest) -> HttpResponse:
    """Per approved resource: users, matched comparison, effect with its interval."""
    user = _user(request)
    if not user.is_staff_member:
        raise Http404("Staff only.")
    resources = resource_library(resources=resources_visible_to(user), status=ReviewStatus.APPROVED)
    reports = [resource_impact(resource=resource) for resource in resources if resource.n_opened]  # type: ignore[attr-defined]
    reports.sort(key=lambda r: (r.estimate.suppressed, -(r.estimate.effect or 0.0)))
    return render(request, "teacher/resource_impact.html", {"reports": reports})


def _next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@login_required
@require_POST
def use_action(request: HttpRequest, resource_id: int, action: str) -> HttpResponse:
    """A student opens (recorded, then sent to the resource) or completes a resource."""
    user = _user(request)
    resource = access_resource_by_id(user, resource_id)
    if action not in UseAction.values:
        raise Http404("No such action.")
    if user.role == Role.STUDENT:
        student = access_own_student(user)
        try:
            resource_use_record(actor=user, resource=resource, student=student, action=action)
        except ResourceError as error:
            raise Http404(error.message) from None
    if action == UseAction.OPENED:
        return HttpResponseRedirect(resource.file.url if resource.file else resource.url)
    return HttpResponseRedirect(_next(request, reverse("resources:library")))


@login_required
@require_POST
def add_to_step(request: HttpRequest, resource_id: int) -> HttpResponse:
    user = _user(request)
    resource = access_resource_by_id(user, resource_id)
    raw = request.POST.get("step", "")
    if not raw.isdigit():
        raise Http404("No such step.")
    step = access_step_by_id(user, int(raw), write=True)
    try:
        resource_add_to_step(actor=user, step=step, resource=resource)
    except ResourceError as error:
        raise Http404(error.message) from None
    return HttpResponseRedirect(
        reverse("plans:plan", args=[step.goal.plan_id]) + f"#goal-{step.goal_id}"
    )


@login_required
@require_POST
def assign_to_section(request: HttpRequest, resource_id: int) -> HttpResponse:
    user = _user(request)
    resource = access_resource_by_id(user, resource_id)
    raw = request.POST.get("section", "")
    if not raw.isdigit() or not user.is_staff_member:
        raise Http404("No such section.")
    section = access_section_by_id(user, int(raw))
    try:
        resource_assign_to_section(actor=user, resource=resource, section=section)
    except ResourceError as error:
        raise Http404(error.message) from None
    return redirect("section-detail", section_id=section.pk)
