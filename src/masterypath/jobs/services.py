"""Background jobs on Django's task framework: define them, start them, record their outcome.

A kind of job is a task defined with `job_task`; its handler gets the `Job` and a progress
reporter and returns a `JobOutcome` (or raises an `ApplicationError` whose `details` list the
errors, one per row)::

    @job_task("case.import", exclusive="import", title="CASE import")
    def case_import_job(job: Job, report: ProgressReporter) -> JobOutcome:
        report(0, 1, "Reading the package")
        ...
        return JobOutcome(message="Imported.", result={...}, warnings=[...])

`job_enqueue(kind=..., params=..., created_by=..., district_id=...)` records a queued `Job` and
enqueues its task on the backend that settings.TASKS names (MASTERYPATH_TASKS: `database`, `rq`
or `immediate`); a worker (`masterypath worker`) runs it. The task framework only carries the
work: the `Job` row is what the pages show (status, progress, errors, warnings, result).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.backends.dummy import DummyBackend
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import Task
from django_tasks.exceptions import TaskResultDoesNotExist
from django_tasks_db.backend import DatabaseBackend

from masterypath.common.errors import ApplicationError
from masterypath.jobs.errors import JobError, JobErrorCode
from masterypath.jobs.models import ACTIVE_STATUSES, Job, JobStatus
from masterypath.jobs.progress import ProgressReporter

__all__ = [
    "JobOutcome",
    "ProgressReporter",
    "job_enqueue",
    "job_fail",
    "job_kind_title",
    "job_refresh",
    "job_task",
]

LOST_MESSAGE = "The worker stopped before the job finished; nothing was changed. Start it again."


@dataclass
class JobOutcome:
    """What a handler returns when it succeeds."""

    message: str = "Done."
    result: dict[str, Any] = field(default_factory=dict)
    warnings: list[dict[str, Any]] = field(default_factory=list)


Handler = Callable[[Job, ProgressReporter], JobOutcome]
JobTask = Task[[int], dict[str, Any]]


@dataclass(frozen=True)
class JobKind:
    task: JobTask
    exclusive: str
    title: str


_kinds: dict[str, JobKind] = {}


def job_task(kind: str, *, exclusive: str = "", title: str = "") -> Callable[[Handler], JobTask]:
    """Define the task that runs jobs of `kind` with `handler(job, report) -> JobOutcome`.

    The decorated name becomes a django-tasks `Task` that takes the job's id (a worker imports it
    by that name, so define it at module level in an app's `tasks.py`). Jobs that share an
    `exclusive` key run one at a time in a district: while one is queued or running,
    `job_enqueue` of another raises JobError(ALREADY_RUNNING)."""

    def define(handler: Handler) -> JobTask:
        @functools.wraps(handler)
        def run(job_id: int) -> dict[str, Any]:
            return _job_run(job_id=job_id, handler=handler)

        defined: JobTask = task(queue_name=settings.TASKS_QUEUE)(run)
        _kinds[kind] = JobKind(task=defined, exclusive=exclusive, title=title or kind)
        return defined

    return define


def job_kind_title(kind: str) -> str:
    entry = _kinds.get(kind)
    return entry.title if entry else kind


def job_enqueue(
    *,
    kind: str,
    params: dict[str, Any],
    created_by: AbstractBaseUser | AnonymousUser | None = None,
    district_id: int | None = None,
    total: int = 0,
    message: str = "Waiting to start.",
) -> Job:
    """Record a queued job and hand its task to the configured backend.

    The database backend stores the task in the caller's transaction (both commit or neither);
    Redis gets it once the caller's transaction commits, so that a worker never looks for a job
    row that is not there yet; the immediate backend runs it before returning.
    """
    entry = _kinds.get(kind)
    if entry is None:
        raise JobError(JobErrorCode.UNKNOWN_KIND, f"No job task is defined for {kind!r}.")
    signed_in = created_by is not None and created_by.is_authenticated
    job = _job_create(
        entry,
        kind=kind,
        params=params,
        created_by_id=created_by.pk if created_by is not None and signed_in else None,
        district_id=district_id,
        total=total,
        message=message,
    )
    if _enqueues_in_transaction(entry.task.get_backend()):
        _task_enqueue(job_id=job.pk, task=entry.task)
        job.refresh_from_db()
    else:
        transaction.on_commit(functools.partial(_task_enqueue_after_commit, job.pk, entry.task))
    return job


def _enqueues_in_transaction(backend: BaseTaskBackend) -> bool:
    return isinstance(backend, DatabaseBackend | ImmediateBackend | DummyBackend)


def _job_create(
    entry: JobKind,
    *,
    kind: str,
    params: dict[str, Any],
    created_by_id: Any,
    district_id: int | None,
    total: int,
    message: str,
) -> Job:
    """The queued job, unless one of the same exclusive key is active in the district."""
    exclusive = entry.exclusive if district_id is not None else ""
    if exclusive and district_id is not None:
        holder = _active_holder(district_id=district_id, exclusive=exclusive)
        if holder is not None and not job_refresh(holder).is_done:
            raise _already_running(holder)
    try:
        with transaction.atomic():
            return Job.objects.create(
                kind=kind,
                params=params,
                created_by_id=created_by_id,
                district_id=district_id,
                exclusive_key=exclusive,
                total=total,
                message=message,
            )
    except IntegrityError:
        # Another request started one between the check and the insert.
        holder = None
        if exclusive and district_id is not None:
            holder = _active_holder(district_id=district_id, exclusive=exclusive)
        if holder is not None:
            raise _already_running(holder) from None
        raise


def _active_holder(*, district_id: int, exclusive: str) -> Job | None:
    return Job.objects.filter(
        district_id=district_id, exclusive_key=exclusive, status__in=ACTIVE_STATUSES
    ).first()


def _already_running(holder: Job) -> JobError:
    state = "running" if holder.status == JobStatus.RUNNING else "waiting to run"
    return JobError(
        JobErrorCode.ALREADY_RUNNING,
        f"A {job_kind_title(holder.kind)} (#{holder.pk}) is already {state} in this district; "
        "start another when it has finished.",
        job_id=holder.pk,
    )


def _task_enqueue(*, job_id: int, task: JobTask) -> None:
    result = task.enqueue(job_id)
    Job.objects.filter(pk=job_id).update(task_id=result.id)


def _task_enqueue_after_commit(job_id: int, task: JobTask) -> None:
    try:
        _task_enqueue(job_id=job_id, task=task)
    except Exception as error:  # noqa: BLE001 (Redis away: the job must say so, not wait forever)
        job_fail(
            job_id=job_id,
            message="The job could not be queued; nothing was changed. Try again later.",
            errors=[{"message": f"{type(error).__name__}: {error}"}],
        )


def _job_run(*, job_id: int, handler: Handler) -> dict[str, Any]:
    """The body of every job task: run the handler once and store its outcome on the job."""
    started = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), message="Starting."
    )
    job = Job.objects.filter(pk=job_id).first()
    if job is None or not started:  # gone, or taken already (a task delivered twice)
        return {"job_id": job_id, "status": job.status if job else "missing"}
    reporter = ProgressReporter(job)
    try:
        outcome = handler(job, reporter)
    except ApplicationError as error:
        details = getattr(error, "details", None)
        _job_finish(
            job,
            status=JobStatus.FAILED,
            message=str(error),
            errors=details or [{"message": str(error)}],
            warnings=getattr(error, "warnings", None) or [],
        )
    except BaseException as error:
        # A bug (or a worker told to stop) still ends the job with a message; the task framework
        # records the traceback.
        _job_finish(
            job,
            status=JobStatus.FAILED,
            message="The job stopped on an internal error; nothing was changed.",
            errors=[{"message": f"{type(error).__name__}: {error}"}],
        )
        raise
    else:
        job.progress = job.total = max(job.total, job.progress, 1)
        _job_finish(
            job,
            status=JobStatus.SUCCEEDED,
            message=outcome.message,
            result=outcome.result,
            warnings=outcome.warnings,
        )
    finally:
        reporter.close()
    return {"job_id": job.pk, "status": job.status}


def _job_finish(
    job: Job,
    *,
    status: JobStatus,
    message: str,
    errors: list[dict[str, Any]] | None = None,
    warnings: list[dict[str, Any]] | None = None,
    result: dict[str, Any] | None = None,
) -> None:
    job.status = status
    job.message = message[:255]
    job.errors = errors or []
    job.warnings = warnings or []
    job.result = result or {}
    job.finished_at = timezone.now()
    job.save()


def job_fail(*, job_id: int, message: str, errors: list[dict[str, Any]] | None = None) -> bool:
    """End a job that is still queued or running as failed (its worker is gone); False when it
    had already ended."""
    return bool(
        Job.objects.filter(pk=job_id, status__in=ACTIVE_STATUSES).update(
            status=JobStatus.FAILED,
            message=message[:255],
            errors=errors or [{"message": message}],
            finished_at=timezone.now(),
        )
    )


def job_refresh(job: Job) -> Job:
    """The job, failed when the task framework says its task ended without the handler ending
    it (a worker killed in the middle, a task its worker could not import)."""
    entry = _kinds.get(job.kind)
    if job.is_done or not job.task_id or entry is None:
        return job
    backend = entry.task.get_backend()
    if not backend.supports_get_result:
        return job
    try:
        ended = backend.get_result(job.task_id).is_finished
    except TaskResultDoesNotExist:
        ended = True
    except Exception:  # noqa: BLE001 (queue unreachable: the page shows what the row says)
        return job
    if ended:
        job_fail(job_id=job.pk, message=LOST_MESSAGE)  # a no-op when the handler ended it
        job.refresh_from_db()
    return job
