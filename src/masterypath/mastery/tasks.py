"""The background job behind the method report page: every method scored on the district's
evidence, overall and per framework (seconds to minutes on a large district, so never inside a
request)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from masterypath.engine.evaluation import MethodScore, ranked
from masterypath.jobs.models import Job
from masterypath.jobs.services import JobOutcome, ProgressReporter, job_task
from masterypath.mastery.selectors import method_report_for_district
from masterypath.mastery.services import RECOMPUTE_JOB, mastery_recompute
from masterypath.schools.models import District

METHOD_REPORT = "mastery.method_report"


def _rows(scores: list[MethodScore]) -> tuple[int, list[dict[str, Any]]]:
    """(outcomes, one row per method, best first)."""
    outcomes = max((s.n_predictions for s in scores), default=0)
    return outcomes, [
        {
            "method": s.method,
            "auc": s.auc,
            "rmse": s.rmse,
            "n": s.n_predictions,
            "share": s.n_predictions / outcomes if outcomes else 0.0,
        }
        for s in ranked(scores)
    ]


@job_task(METHOD_REPORT, exclusive="method_report", title="method report")
def method_report_job(job: Job, report: ProgressReporter) -> JobOutcome:
    district = District.objects.get(pk=job.params["district_id"])
    report(0, 1, "Scoring every method on the district's evidence, overall and per framework")
    overall, per_framework = method_report_for_district(district=district)
    outcomes, rows = _rows(overall)
    frameworks = []
    for part in per_framework:
        framework_outcomes, framework_rows = _rows(part.scores)
        frameworks.append(
            {
                "id": part.framework_id,
                "title": part.title,
                "in_use": part.method_in_use,
                "outcomes": framework_outcomes,
                "methods": framework_rows,
            }
        )
    report(1, 1, "Done")
    return JobOutcome(
        message=f"{len(rows)} methods scored on {outcomes:,} next scores.",
        result={"outcomes": outcomes, "methods": rows, "frameworks": frameworks},
    )


@job_task(RECOMPUTE_JOB, exclusive="recompute", title="mastery recompute")
def recompute_job(job: Job, report: ProgressReporter) -> JobOutcome:
    """Every estimate and placement of the district again (after its methods changed)."""
    district = District.objects.get(pk=job.params["district_id"])

    def progress(message: str, done: int, total: int) -> None:
        report(done, total, message)

    counts = mastery_recompute(district=district, as_of=timezone.localdate(), progress=progress)
    return JobOutcome(message="Mastery recomputed.", result=dict(counts))
