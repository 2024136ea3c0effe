"""District admins see which mastery method predicts their own students' next scores best.

The scoring runs as a background job (`mastery.tasks`); the page shows the latest finished
report beside the method the district uses. Anyone who is not a district admin gets 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from masterypath.jobs.models import JobStatus
from masterypath.jobs.selectors import job_list_for_district
from masterypath.jobs.services import job_enqueue
from masterypath.mastery.models import METHOD_LABELS
from masterypath.mastery.selectors import district_policy
from masterypath.mastery.tasks import METHOD_REPORT
from masterypath.web.imports.views import admin_district_id


@login_required
def method_report(request: HttpRequest) -> HttpResponse:
    district_id = admin_district_id(request)
    jobs = list(job_list_for_district(district_id=district_id, kinds=(METHOD_REPORT,), limit=10))
    latest = next((job for job in jobs if job.status == JobStatus.SUCCEEDED), None)
    running = next((job for job in jobs if not job.is_done), None)
    failed = jobs[0] if jobs and jobs[0].status == JobStatus.FAILED else None
    rows = []
    if latest is not None:
        rows = [{**row, "label": METHOD_LABELS.get(row["method"], row["method"]),
                 "n_text": f"{row['n']:,}"}
                for row in latest.result.get("methods", [])]
    frameworks = _framework_rows(latest.result.get("frameworks", []) if latest else [])
    scored = {row["method"] for row in rows}
    unscored = [label for method, label in METHOD_LABELS.items() if method not in scored]
    return render(request, "methods/report.html", {
        "latest": latest, "rows": rows, "unscored": unscored, "running": running,
        "outcomes": f"{latest.result.get('outcomes', 0):,}" if latest else "",
        "frameworks": frameworks,
        "failed": failed,
        "policy": district_policy(district_id=district_id),
    })


@login_required
@require_POST
def method_report_run(request: HttpRequest) -> HttpResponse:
    district_id = admin_district_id(request)
    jobs = job_list_for_district(district_id=district_id, kinds=(METHOD_REPORT,), limit=1)
    if not any(not job.is_done for job in jobs):
        job_enqueue(kind=METHOD_REPORT, created_by=request.user, district_id=district_id,
                    params={"district_id": district_id}, message="Waiting to start.")
    return redirect("method-report")


def _framework_rows(frameworks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per framework: the best method and the method in use, each with its AUC."""
    rows = []
    for framework in frameworks:
        methods = framework["methods"]
        if not methods:
            continue
        best = methods[0]
        in_use = next((m for m in methods if m["method"] == framework["in_use"]), None)
        rows.append({
            "title": framework["title"], "outcomes": f"{framework['outcomes']:,}",
            "best": METHOD_LABELS.get(best["method"], best["method"]), "best_auc": best["auc"],
            "in_use": METHOD_LABELS.get(framework["in_use"], framework["in_use"]),
            "in_use_auc": in_use["auc"] if in_use else None,
            "is_best": best["method"] == framework["in_use"],
        })
    return rows
