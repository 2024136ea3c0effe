"""Job tasks for the tests; a module of their own so that a worker process can import them."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.db import transaction

from masterypath.jobs.errors import JobError, JobErrorCode
from masterypath.jobs.models import Job
from masterypath.jobs.services import JobOutcome, ProgressReporter, job_task
from masterypath.schools.models import District


@job_task("test.count", title="count")
def count_job(job: Job, report: ProgressReporter) -> JobOutcome:
    for done in range(job.params["n"]):
        report(done + 1, job.params["n"], f"step {done + 1}")
    return JobOutcome(message="Counted.", result={"n": job.params["n"]})


@job_task("test.refuse")
def refuse_job(job: Job, report: ProgressReporter) -> JobOutcome:
    raise JobError(
        JobErrorCode.INTERNAL,
        "Refused.",
        details=[{"file": "a.csv", "line": 2, "message": "no"}],
    )


@job_task("test.crash")
def crash_job(job: Job, report: ProgressReporter) -> JobOutcome:
    return JobOutcome(result={"n": 1 // job.params.get("zero", 0)})


@job_task("test.hold", exclusive="test", title="held job")
def hold_job(job: Job, report: ProgressReporter) -> JobOutcome:
    """Like an import: one transaction that writes a row, reports progress inside it, and waits
    for the test to open the gate (a file) before it commits."""
    gate = Path(job.params["gate"])
    with transaction.atomic():
        District.objects.create(name=job.params["district_name"])
        report(1, 3, "Inside the transaction")
        deadline = time.monotonic() + 60
        while not gate.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        report(2, 3, "Through the gate")
    return JobOutcome(message="Held and released.")


@job_task("test.die")
def die_job(job: Job, report: ProgressReporter) -> JobOutcome:
    """A worker killed in the middle of a job (out of memory, a deploy)."""
    report(1, 2, "About to die")
    os._exit(9)
