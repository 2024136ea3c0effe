"""The background job that imports an uploaded OneRoster bundle."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from masterypath.interop.oneroster.reader import read_bundle
from masterypath.interop.oneroster.services import oneroster_bundle_import
from masterypath.jobs.models import Job
from masterypath.jobs.services import JobOutcome, ProgressReporter, job_task
from masterypath.schools.models import District

KIND = "oneroster.import"


@job_task(KIND, exclusive="import", title="OneRoster import")
def oneroster_import_job(job: Job, report: ProgressReporter) -> JobOutcome:
    district = District.objects.get(pk=job.params["district_id"])
    actor = get_user_model().objects.filter(pk=job.params.get("actor_id")).first()
    report(0, 1, "Reading the bundle")
    bundle = read_bundle(job.params["path"])
    outcome = oneroster_bundle_import(
        bundle=bundle,
        district=district,
        actor=actor,
        report=report,
        role_from_enrollments=bool(job.params.get("role_from_enrollments")),
    )
    changed = sum(outcome["counts"].values())
    return JobOutcome(
        message=f"OneRoster {outcome['version']} bundle imported: {changed} change(s).",
        result=outcome["counts"],
        warnings=outcome["warnings"],
    )
