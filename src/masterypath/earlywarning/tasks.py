"""The background job that rebuilds a district's exception lists (a second or two on the demo;
never inside a request)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from masterypath.earlywarning.selectors import exceptions_default_as_of
from masterypath.earlywarning.services import exceptions_recompute
from masterypath.jobs.models import Job
from masterypath.jobs.services import JobOutcome, ProgressReporter, job_task
from masterypath.schools.models import District

EXCEPTIONS_RECOMPUTE = "earlywarning.recompute"


@job_task(EXCEPTIONS_RECOMPUTE, exclusive="early_warning", title="early warning lists")
def exceptions_recompute_job(job: Job, report: ProgressReporter) -> JobOutcome:
    district = District.objects.get(pk=job.params["district_id"])
    wanted = job.params.get("as_of")
    as_of = (
        date.fromisoformat(wanted)
        if wanted
        else exceptions_default_as_of(district=district, today=timezone.localdate())
    )

    def progress(message: str, done: int, total: int) -> None:
        report(done, total, message)

    counts = exceptions_recompute(district=district, as_of=as_of, progress=progress)
    listed = sum(value for key, value in counts.items() if key not in {"students", "new", "alerts"})
    return JobOutcome(
        message=f"Early warning lists as of {as_of:%B %-d, %Y}: {listed} hits, "
        f"{counts['new']} new.",
        result={"as_of": as_of.isoformat(), **counts},
    )
