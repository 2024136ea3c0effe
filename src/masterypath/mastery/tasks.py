"""The background job behind the method report page: every method scored on the district's
evidence (seconds to minutes on a large district, so never inside a request)."""

from __future__ import annotations

from masterypath.engine.evaluation import ranked
from masterypath.jobs.models import Job
from masterypath.jobs.services import JobOutcome, ProgressReporter, job_handler
from masterypath.mastery.selectors import method_comparison_for_district
from masterypath.schools.models import District

METHOD_REPORT = "mastery.method_report"


@job_handler(METHOD_REPORT)
def method_report_job(job: Job, report: ProgressReporter) -> JobOutcome:
    district = District.objects.get(pk=job.params["district_id"])
    report(0, 1, "Scoring every method on the district's evidence")
    scores = method_comparison_for_district(district=district)
    outcomes = max((s.n_predictions for s in scores), default=0)
    rows = [
        {"method": s.method, "auc": s.auc, "rmse": s.rmse, "n": s.n_predictions,
         "share": s.n_predictions / outcomes if outcomes else 0.0}
        for s in ranked(scores)
    ]
    report(1, 1, "Done")
    return JobOutcome(message=f"{len(rows)} methods scored on {outcomes:,} next scores.",
                      result={"outcomes": outcomes, "methods": rows})
