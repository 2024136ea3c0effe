"""Reads of jobs for the pages that show their progress."""

from __future__ import annotations

from masterypath.jobs.models import Job
from masterypath.jobs.progress import job_with_live_progress


def job_list_for_district(
    *, district_id: int, kinds: tuple[str, ...], limit: int = 20
) -> list[Job]:
    jobs = (
        Job.objects.filter(district_id=district_id, kind__in=kinds)
        .select_related("created_by")
        .order_by("-created_at", "-id")[:limit]
    )
    return [job_with_live_progress(job) for job in jobs]


def job_get_for_district(*, job_id: int, district_id: int) -> Job | None:
    job = (
        Job.objects.filter(pk=job_id, district_id=district_id).select_related("created_by").first()
    )
    return job_with_live_progress(job) if job else None
