"""The background job that rebuilds a district's dashboard summaries (seconds on the demo,
a minute or two on a district of 20,000 students: never inside a request)."""

from __future__ import annotations

from masterypath.jobs.models import Job
from masterypath.jobs.services import JobOutcome, ProgressReporter, job_task
from masterypath.reports.summaries import dashboard_summary_refresh
from masterypath.schools.models import District

SUMMARY_REFRESH = "reports.summary_refresh"


@job_task(SUMMARY_REFRESH, exclusive="summary_refresh", title="dashboard refresh")
def summary_refresh_job(job: Job, report: ProgressReporter) -> JobOutcome:
    district = District.objects.get(pk=job.params["district_id"])
    report(0, 1, "Rebuilding the dashboards' summaries")
    counts = dashboard_summary_refresh(district=district)
    return JobOutcome(
        message="The dashboards are up to date.",
        result={
            "standings": counts.standings,
            "groups": counts.groups,
            "targets": counts.targets,
            "sections": counts.sections,
        },
    )
