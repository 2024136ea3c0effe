"""Queue, claim and run background jobs; report their progress.

How jobs run is chosen by `MASTERYPATH_JOBS` (or the `JOBS_MODE` setting, which wins):

- ``thread`` (the embedded default): the web process runs the job in a daemon thread once the
  request's transaction commits. Nothing else to start; fine for one server.
- ``worker``: jobs stay queued until ``masterypath worker`` claims them. Run one or more workers
  beside the web servers in production; on PostgreSQL they claim rows with
  ``SELECT ... FOR UPDATE SKIP LOCKED``, so several workers never take the same job.
- ``inline``: the job runs at once, in the caller's thread (tests, the command line).

The database is the queue in every mode (see docs/integrations.md for why no Redis is needed).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from masterypath.common.errors import ApplicationError
from masterypath.jobs.errors import JobError, JobErrorCode
from masterypath.jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)

MODES = ("thread", "worker", "inline")


@dataclass
class JobOutcome:
    """What a handler returns when it succeeds."""

    message: str = "Done."
    result: dict[str, Any] = field(default_factory=dict)
    warnings: list[dict[str, Any]] = field(default_factory=list)


class ProgressReporter:
    """Given to a handler: `report(done, total, message)` as work advances.

    A handler usually applies its changes in one transaction; rows written inside it are
    invisible to others until it commits, so progress is also kept in memory (read by
    `job_live_progress`) and written to the job row only when outside a transaction.
    """

    def __init__(self, job: Job) -> None:
        self.job = job
        self._last_write = 0.0

    def __call__(self, done: int, total: int | None = None, message: str | None = None) -> None:
        job = self.job
        job.progress = max(0, done)
        if total is not None:
            job.total = max(0, total)
        if message is not None:
            job.message = message[:255]
        _live[job.pk] = (job.progress, job.total, job.message)
        now = time.monotonic()
        if not connection.in_atomic_block and now - self._last_write > 0.25:
            self._last_write = now
            Job.objects.filter(pk=job.pk).update(
                progress=job.progress, total=job.total, message=job.message
            )


Handler = Callable[[Job, ProgressReporter], JobOutcome]

_handlers: dict[str, Handler] = {}
_live: dict[int, tuple[int, int, str]] = {}


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    """Register `handler(job, report) -> JobOutcome` for jobs of `kind`."""

    def register(handler: Handler) -> Handler:
        _handlers[kind] = handler
        return handler

    return register


def jobs_mode() -> str:
    mode = getattr(settings, "JOBS_MODE", "") or os.environ.get("MASTERYPATH_JOBS", "thread")
    if mode not in MODES:
        raise JobError(
            JobErrorCode.BAD_MODE,
            f"MASTERYPATH_JOBS must be one of {', '.join(MODES)}; got {mode!r}.",
        )
    return mode


def job_enqueue(
    *,
    kind: str,
    params: dict[str, Any],
    created_by: Any = None,
    district_id: int | None = None,
    total: int = 0,
    message: str = "Waiting to start.",
) -> Job:
    """Queue a job; depending on the mode it starts now, after commit, or in a worker."""
    if kind not in _handlers:
        raise JobError(JobErrorCode.UNKNOWN_KIND, f"No job handler is registered for {kind!r}.")
    mode = jobs_mode()
    user = created_by if getattr(created_by, "is_authenticated", False) else None
    job = Job.objects.create(
        kind=kind,
        params=params,
        created_by=user,
        district_id=district_id,
        total=total,
        message=message,
    )
    if mode == "inline":
        return job_run(job_id=job.pk)
    if mode == "thread":
        transaction.on_commit(lambda: _start_thread(job.pk))
    return job


def _start_thread(job_id: int) -> None:
    def target() -> None:
        try:
            job_run(job_id=job_id)
        finally:
            connection.close()

    threading.Thread(target=target, name=f"job-{job_id}", daemon=True).start()


def _claim(job_id: int) -> bool:
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), message="Starting."
    )
    return bool(claimed)


def job_claim_next() -> Job | None:
    """Take the oldest queued job for this worker, or None when the queue is empty."""
    with transaction.atomic():
        queued = Job.objects.filter(status=JobStatus.QUEUED).order_by("created_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            queued = queued.select_for_update(skip_locked=True)
        job = queued.first()
        if job is None or not _claim(job.pk):
            return None
    return Job.objects.get(pk=job.pk)


def job_run(*, job_id: int, claimed: bool = False) -> Job:
    """Run one job to its end and store the outcome; a job already taken is left alone."""
    if not claimed and not _claim(job_id):
        return Job.objects.get(pk=job_id)
    job = Job.objects.get(pk=job_id)
    handler = _handlers.get(job.kind)
    reporter = ProgressReporter(job)
    try:
        if handler is None:
            raise JobError(JobErrorCode.UNKNOWN_KIND, f"No job handler for {job.kind!r}.")
        outcome = handler(job, reporter)
    except ApplicationError as error:
        job.status = JobStatus.FAILED
        job.message = str(error)[:255]
        job.errors = getattr(error, "details", None) or [{"message": str(error)}]
        job.warnings = getattr(error, "warnings", None) or []
    except Exception as error:  # a bug must still end the job, with a message, not hang it
        logger.exception("Job %s (%s) crashed", job.pk, job.kind)
        job.status = JobStatus.FAILED
        job.message = "The job stopped on an internal error; nothing was changed."
        job.errors = [{"message": f"{type(error).__name__}: {error}"}]
    else:
        job.status = JobStatus.SUCCEEDED
        job.message = outcome.message[:255]
        job.result = outcome.result
        job.warnings = outcome.warnings
        job.progress = job.total = max(job.total, job.progress, 1)
    job.finished_at = timezone.now()
    job.save()
    _live.pop(job.pk, None)
    return job


def job_live_progress(job: Job) -> Job:
    """The job with the freshest progress this process knows (for a running job)."""
    live = _live.get(job.pk)
    if live is not None and job.status == JobStatus.RUNNING:
        job.progress, job.total, job.message = live
    return job
