"""District admins see which mastery method predicts their own students' next scores best.

The scoring runs as a background job (`mastery.tasks`); the page shows the latest finished
report beside the method the district uses. Anyone who is not a district admin gets 404.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from masterypath.continuum.access import access_framework_by_id
from masterypath.engine.evaluation import FULL_COVERAGE
from masterypath.engine.mastery import Method
from masterypath.jobs.errors import JobError
from masterypath.jobs.models import JobStatus
from masterypath.jobs.selectors import job_list_for_district
from masterypath.jobs.services import job_enqueue, job_refresh
from masterypath.mastery.errors import MasteryError
from masterypath.mastery.models import METHOD_LABELS
from masterypath.mastery.selectors import district_policy, framework_methods_in_use
from masterypath.mastery.services import RECOMPUTE_JOB, mastery_policy_choose
from masterypath.mastery.tasks import METHOD_REPORT
from masterypath.schools.models import District
from masterypath.web.district import admin_district_id
from masterypath.web.inputs import optional_post_id


@login_required
def method_report(request: HttpRequest) -> HttpResponse:
    district_id = admin_district_id(request)
    jobs = [
        job_refresh(job)
        for job in job_list_for_district(district_id=district_id, kinds=(METHOD_REPORT,), limit=10)
    ]
    latest = next((job for job in jobs if job.status == JobStatus.SUCCEEDED), None)
    running = next((job for job in jobs if not job.is_done), None)
    recomputing = next(
        (
            job
            for job in job_list_for_district(
                district_id=district_id, kinds=(RECOMPUTE_JOB,), limit=1
            )
            if not job_refresh(job).is_done
        ),
        None,
    )
    failed = jobs[0] if jobs and jobs[0].status == JobStatus.FAILED else None
    rows = []
    if latest is not None:
        rows = [
            {
                **row,
                "label": METHOD_LABELS.get(row["method"], row["method"]),
                "n_text": f"{row['n']:,}",
            }
            for row in latest.result.get("methods", [])
        ]
    policy = district_policy(district_id=district_id)
    # the methods in use now (the report may be older than the last choice)
    in_use = framework_methods_in_use(district_id=district_id)
    frameworks = _framework_rows(
        latest.result.get("frameworks", []) if latest else [], in_use, policy.method
    )
    scored = {row["method"] for row in rows}
    unscored = [label for method, label in METHOD_LABELS.items() if method not in scored]
    # the best overall among the methods that predict nearly every next score
    best = next((row for row in rows if row["share"] >= FULL_COVERAGE), None)
    return render(
        request,
        "methods/report.html",
        {
            "best": best,
            "latest": latest,
            "rows": rows,
            "unscored": unscored,
            "running": running,
            "outcomes": f"{latest.result.get('outcomes', 0):,}" if latest else "",
            "frameworks": frameworks,
            "recomputing": recomputing,
            "failed": failed,
            "policy": policy,
        },
    )


@login_required
@require_POST
def method_report_run(request: HttpRequest) -> HttpResponse:
    district_id = admin_district_id(request)
    with contextlib.suppress(JobError):  # one is already being computed: the page shows it
        job_enqueue(
            kind=METHOD_REPORT,
            created_by=request.user,
            district_id=district_id,
            params={"district_id": district_id},
            message="Waiting to start.",
        )
    return redirect("method-report")


def _framework_rows(
    frameworks: list[dict[str, Any]], in_use: dict[int, Method], default: Method
) -> list[dict[str, Any]]:
    """Per framework: the best method and the method in use now (its own policy, else the
    district's), each with its AUC."""
    rows = []
    for framework in frameworks:
        methods = framework["methods"]
        if not methods:
            continue
        best = methods[0]
        current = in_use.get(framework["id"], default)
        current_row = next((m for m in methods if m["method"] == current), None)
        rows.append(
            {
                "id": framework["id"],
                "method": best["method"],
                "title": framework["title"],
                "outcomes": f"{framework['outcomes']:,}",
                "best": METHOD_LABELS.get(best["method"], best["method"]),
                "best_auc": best["auc"],
                "in_use": METHOD_LABELS[current],
                "in_use_auc": current_row["auc"] if current_row else None,
                "is_best": best["method"] == current,
            }
        )
    return rows


@login_required
@require_POST
def method_choose(request: HttpRequest) -> HttpResponse:
    """Use a method for the district or one framework (a form on the report)."""
    district_id = admin_district_id(request)
    district = District.objects.get(pk=district_id)
    framework_id = optional_post_id(request, "framework")
    framework = (
        access_framework_by_id(request.user, framework_id) if framework_id is not None else None
    )
    method = request.POST.get("method", "")
    try:
        mastery_policy_choose(
            actor=request.user, district=district, method=method, framework=framework
        )
    except (MasteryError, JobError) as error:  # JobError: a recompute is still running
        messages.error(request, error.message)
        return redirect("method-report")
    where = framework.title if framework else "the district"
    messages.success(
        request,
        f"{METHOD_LABELS[method]} is now the method for {where}; mastery is being recomputed.",
    )
    return redirect("method-report")
