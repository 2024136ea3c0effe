"""The background job that imports uploaded CASE packages."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model

from masterypath.interop.case.services import case_packages_import, case_packages_read
from masterypath.jobs.models import Job
from masterypath.jobs.services import JobOutcome, ProgressReporter, job_task
from masterypath.schools.models import District

KIND = "case.import"


@job_task(KIND, exclusive="import", title="CASE import")
def case_import_job(job: Job, report: ProgressReporter) -> JobOutcome:
    params = job.params
    district = District.objects.get(pk=params["district_id"]) if params.get("district_id") else None
    actor = get_user_model().objects.filter(pk=params.get("actor_id")).first()
    sources = [(Path(path).name, Path(path).read_bytes()) for path in params["files"]]
    report(0, 1, "Reading the package")
    packages = case_packages_read(
        sources=sources, strict=bool(params.get("strict")), title=params.get("title", "")
    )
    results = case_packages_import(packages=packages, district=district, actor=actor, report=report)
    warnings = [w.as_dict() for r in results for w in r.warnings]
    titles = ", ".join(r.title for r in results)
    return JobOutcome(
        message=f"Imported {titles}.",
        result={"frameworks": [r.as_dict() for r in results]},
        warnings=warnings,
    )
