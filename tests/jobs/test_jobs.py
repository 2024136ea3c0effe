"""Background jobs: queued, claimed once, run to an outcome with progress and errors."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from masterypath.common.errors import ApplicationError
from masterypath.jobs.errors import JobError, JobErrorCode
from masterypath.jobs.models import Job, JobStatus
from masterypath.jobs.services import JobOutcome, job_enqueue, job_handler, job_run

pytestmark = pytest.mark.django_db


@job_handler("test.count")
def _count(job: Job, report: Any) -> JobOutcome:
    for done in range(job.params["n"]):
        report(done + 1, job.params["n"], f"step {done + 1}")
    return JobOutcome(message="Counted.", result={"n": job.params["n"]})


@job_handler("test.refuse")
def _refuse(job: Job, report: Any) -> JobOutcome:
    raise JobError(JobErrorCode.INTERNAL, "Refused.", details=[{"file": "a.csv", "line": 2}])


@job_handler("test.crash")
def _crash(job: Job, report: Any) -> JobOutcome:
    raise ZeroDivisionError("boom")


def test_inline_job_runs_to_success_with_its_result(settings: Any) -> None:
    settings.JOBS_MODE = "inline"
    job = job_enqueue(kind="test.count", params={"n": 3})
    assert job.status == JobStatus.SUCCEEDED
    assert job.result == {"n": 3}
    assert job.percent == 100
    assert job.started_at
    assert job.finished_at


def test_refused_job_keeps_each_error_and_a_crash_is_reported(settings: Any) -> None:
    settings.JOBS_MODE = "inline"
    refused = job_enqueue(kind="test.refuse", params={})
    assert refused.status == JobStatus.FAILED
    assert refused.errors == [{"file": "a.csv", "line": 2}]
    crashed = job_enqueue(kind="test.crash", params={})
    assert crashed.status == JobStatus.FAILED
    assert "ZeroDivisionError" in crashed.errors[0]["message"]


def test_worker_mode_leaves_jobs_queued_for_the_worker_command(settings: Any) -> None:
    settings.JOBS_MODE = "worker"
    first = job_enqueue(kind="test.count", params={"n": 2})
    second = job_enqueue(kind="test.count", params={"n": 1})
    assert first.status == JobStatus.QUEUED
    call_command("worker", "--once")
    assert set(Job.objects.values_list("status", flat=True)) == {JobStatus.SUCCEEDED}
    # A job already finished is not run again.
    assert job_run(job_id=second.pk).status == JobStatus.SUCCEEDED


def test_unknown_kind_and_bad_mode_are_refused(settings: Any) -> None:
    with pytest.raises(ApplicationError):
        job_enqueue(kind="nope", params={})
    settings.JOBS_MODE = "sideways"
    with pytest.raises(JobError, match="MASTERYPATH_JOBS"):
        job_enqueue(kind="test.count", params={"n": 1})
