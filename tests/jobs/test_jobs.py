"""Background jobs on the task framework, run at once (the test suite's immediate backend) or
queued (the database and dummy backends, no worker): outcome, errors, one at a time, recovery."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django_tasks_db.models import DBTaskResult

from masterypath.jobs.errors import JobError, JobErrorCode
from masterypath.jobs.models import Job, JobStatus
from masterypath.jobs.services import LOST_MESSAGE, job_enqueue, job_refresh
from tests.jobs import tasks  # noqa: F401 (defines the test.* kinds)

pytestmark = pytest.mark.django_db

DATABASE = "django_tasks_db.DatabaseBackend"
DUMMY = "django_tasks.backends.dummy.DummyBackend"


def _backend(settings: Any, path: str) -> None:
    settings.TASKS = {"default": {"BACKEND": path, "QUEUES": [settings.TASKS_QUEUE]}}


def test_a_job_runs_at_once_to_success_with_its_result() -> None:
    """The test suite's immediate backend runs the task inside `job_enqueue`."""
    job = job_enqueue(kind="test.count", params={"n": 3})
    assert job.status == JobStatus.SUCCEEDED
    assert job.result == {"n": 3}
    assert job.message == "Counted."
    assert job.percent == 100
    assert job.started_at
    assert job.finished_at
    assert job.task_id


def test_a_refused_job_keeps_each_error_and_a_crash_is_reported() -> None:
    """An ApplicationError's details become the job's errors, one per row; a bug fails the job
    with its exception named, instead of leaving it running."""
    refused = job_enqueue(kind="test.refuse", params={})
    assert refused.status == JobStatus.FAILED
    assert refused.message == "Refused."
    assert refused.errors == [{"file": "a.csv", "line": 2, "message": "no"}]
    crashed = job_enqueue(kind="test.crash", params={})
    assert crashed.status == JobStatus.FAILED
    assert "ZeroDivisionError" in crashed.errors[0]["message"]


def test_an_unknown_kind_is_refused() -> None:
    """Only kinds defined with `job_task` can be queued."""
    with pytest.raises(JobError) as caught:
        job_enqueue(kind="nope", params={})
    assert caught.value.code == JobErrorCode.UNKNOWN_KIND


def test_a_second_job_of_an_exclusive_kind_waits_for_the_first_to_end(settings: Any) -> None:
    """While one job of a key is queued in a district, another is refused with a message that
    names the first; another district, or the same one after the first ended, may start one."""
    _backend(settings, DUMMY)  # queued, never run
    first = job_enqueue(kind="test.hold", params={}, district_id=1)
    with pytest.raises(JobError) as caught:
        job_enqueue(kind="test.hold", params={}, district_id=1)
    assert caught.value.code == JobErrorCode.ALREADY_RUNNING
    assert caught.value.context["job_id"] == first.pk
    assert f"held job (#{first.pk}) is already waiting to run" in caught.value.message
    assert job_enqueue(kind="test.hold", params={}, district_id=2).status == JobStatus.QUEUED
    Job.objects.filter(pk=first.pk).update(status=JobStatus.SUCCEEDED)
    assert job_enqueue(kind="test.hold", params={}, district_id=1).status == JobStatus.QUEUED


def test_the_database_itself_refuses_two_active_jobs_of_one_key() -> None:
    """A race between two requests that both passed the check ends at the unique index."""
    Job.objects.create(kind="test.hold", district_id=1, exclusive_key="test")
    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.create(kind="test.hold", district_id=1, exclusive_key="test")


def test_a_request_that_loses_the_race_is_told_which_job_runs(
    settings: Any, monkeypatch: Any
) -> None:
    """Two requests pass the check at once: the one whose insert hits the unique index gets the
    same "already running" answer, not a server error."""
    from masterypath.jobs import services

    _backend(settings, DUMMY)
    first = job_enqueue(kind="test.hold", params={}, district_id=1)
    real = services._active_holder
    calls: list[int] = []

    def stale_then_real(**kwargs: Any) -> Job | None:
        calls.append(1)  # the loser's check ran before the winner's insert
        return None if len(calls) == 1 else real(**kwargs)

    monkeypatch.setattr(services, "_active_holder", stale_then_real)
    with pytest.raises(JobError) as caught:
        job_enqueue(kind="test.hold", params={}, district_id=1)
    assert caught.value.code == JobErrorCode.ALREADY_RUNNING
    assert caught.value.context["job_id"] == first.pk


@pytest.mark.django_db(transaction=True)  # the backend's worker closes old connections
def test_the_database_backend_queues_the_task_with_the_job(settings: Any) -> None:
    """Queued on the database backend, the task row is written in the caller's transaction, and
    `masterypath worker --batch` runs it (the backend's own worker) and stops."""
    _backend(settings, DATABASE)
    job = job_enqueue(kind="test.count", params={"n": 2})
    assert job.status == JobStatus.QUEUED
    assert DBTaskResult.objects.get(id=job.task_id).status == "READY"
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("worker", "--batch", verbosity=0)
    finally:  # the worker installs its own; this test process keeps pytest's
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"


def test_a_job_whose_task_ended_without_it_is_failed_when_read(settings: Any) -> None:
    """A task that failed outside the handler (its module could not be imported, its worker was
    stopped) fails the job the next time a page reads it, which frees its district's slot."""
    _backend(settings, DATABASE)
    job = job_enqueue(kind="test.hold", params={}, district_id=1)
    DBTaskResult.objects.filter(id=job.task_id).update(status="FAILED")
    assert job_refresh(job).status == JobStatus.FAILED
    assert job.message == LOST_MESSAGE
    assert job_enqueue(kind="test.hold", params={}, district_id=1).status == JobStatus.QUEUED


def test_a_job_that_cannot_reach_redis_says_so(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """With RQ the task goes to Redis after commit; Redis away fails the job with a message
    instead of leaving it queued forever."""
    _backend(settings, "django_tasks_rq.RQBackend")
    settings.RQ_QUEUES = {
        name: {"URL": "redis://127.0.0.1:1/0"} for name in {"default", settings.TASKS_QUEUE}
    }
    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue(kind="test.count", params={"n": 1})
        assert job.status == JobStatus.QUEUED
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message.startswith("The job could not be queued")
    assert "ConnectionError" in job.errors[0]["message"]


def test_the_worker_command_says_when_there_is_nothing_to_run() -> None:
    """With the immediate backend jobs run where they start; a worker would wait for nothing."""
    with pytest.raises(CommandError, match="nothing for a worker to do"):
        call_command("worker", "--batch")


def test_an_unknown_tasks_backend_is_refused_by_name() -> None:
    """MASTERYPATH_TASKS accepts database, rq or immediate, and says so."""
    env = {**os.environ, "MASTERYPATH_TASKS": "sideways", "MASTERYPATH_DEMO": "1"}
    result = subprocess.run(
        [sys.executable, "-c", "import masterypath.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "MASTERYPATH_TASKS must be one of database, rq, immediate" in result.stderr
