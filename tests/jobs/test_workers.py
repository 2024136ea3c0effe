"""Jobs through a real worker process, on the backend MASTERYPATH_TEST_TASKS names.

`database` (the default, in the whole suite): `masterypath worker` runs django-tasks-db's worker
on the test database. `rq` (CI's RQ block): `masterypath worker` runs an RQ worker that takes the
tasks from Redis at REDIS_URL (127.0.0.1:6379); a Redis that cannot be reached fails these tests
under CI=true and skips them elsewhere. The worker is a separate process that reaches the test
database by URL, as a worker on another machine would (so SQLite tests use a file database).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django_tasks import task_backends

from masterypath.jobs.models import Job, JobStatus
from masterypath.jobs.progress import job_with_live_progress
from masterypath.jobs.services import LOST_MESSAGE, job_enqueue, job_refresh
from masterypath.mastery.models import MasteryEstimate
from masterypath.mastery.services import RECOMPUTE_JOB
from masterypath.schools.models import District
from tests.conftest import World
from tests.jobs import tasks  # noqa: F401 (defines the test.* kinds)

BACKEND = os.environ.get("MASTERYPATH_TEST_TASKS", "") or "database"
BACKENDS = {"database": "django_tasks_db.DatabaseBackend", "rq": "django_tasks_rq.RQBackend"}
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db(transaction=True)


def _require_redis() -> None:
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        Redis.from_url(django_settings.REDIS_URL, socket_connect_timeout=2).ping()
    except RedisError as error:
        message = f"Redis is not reachable at {django_settings.REDIS_URL}: {error}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


def _database_url() -> str:
    """The URL of the test database, for a process that is not this one."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """`masterypath worker` in a process of its own, with its output kept for failures."""

    def __init__(self, log: Path) -> None:
        self.log = log
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "MASTERYPATH_TASKS": BACKEND,
            "DATABASE_URL": _database_url(),
            "PYTHONPATH": str(ROOT),
        }
        self.out = log.open("w")
        self.process = subprocess.Popen(  # noqa: S603 (our own console script)
            [str(Path(sys.executable).with_name("masterypath")), "worker", "--interval", "0.1"],
            cwd=ROOT,
            env=env,
            stdout=self.out,
            stderr=subprocess.STDOUT,
        )

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def wait_for(self, job_id: int, until: Callable[[Job], bool], timeout: float = 90) -> Job:
        """The job as the pages see it, once `until` holds."""
        deadline = time.monotonic() + timeout
        while True:
            job = job_with_live_progress(Job.objects.get(pk=job_id))
            if until(job):
                return job
            if self.process.poll() is not None:
                pytest.fail(f"The worker stopped ({self.process.returncode}):\n{self.output()}")
            if time.monotonic() > deadline:
                pytest.fail(f"Job {job_id} is {job.status} after {timeout} s:\n{self.output()}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.out.close()


@pytest.fixture(scope="module")
def worker(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Worker]:
    if BACKEND == "rq":
        _require_redis()
    running = Worker(tmp_path_factory.mktemp("worker") / "worker.log")
    yield running
    running.stop()
    if BACKEND == "rq":
        _forget_queue()


def _forget_queue() -> None:
    """Leave nothing of this run's queue in Redis (RQ keeps failed jobs for a year)."""
    import django_rq

    queue = django_rq.get_queue(django_settings.TASKS_QUEUE)
    for registry in (
        queue.failed_job_registry,
        queue.finished_job_registry,
        queue.started_job_registry,
    ):
        for job_id in registry.get_job_ids():
            registry.remove(job_id, delete_job=True)
            queue.connection.delete(f"rq:results:{job_id}")
    queue.delete(delete_jobs=True)


@pytest.fixture(autouse=True)
def _queue_on_the_backend(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": BACKENDS[BACKEND], "QUEUES": [settings.TASKS_QUEUE]}}


def _done(job: Job) -> bool:
    return job.is_done


def _task_result(task_id: str) -> Any:
    """The task framework's result once the worker has recorded its end (just after the job's)."""
    deadline = time.monotonic() + 30
    while not (result := task_backends["default"].get_result(task_id)).is_finished:
        assert time.monotonic() < deadline, result.status
        time.sleep(0.05)
    return result


@pytest.fixture(autouse=True)
def _tasks_ended_before_teardown(worker: Worker) -> Iterator[None]:
    """The worker records a task's end just after its job's: wait for that before the test's
    tables are flushed, or the worker would write to a row that is gone (and stop)."""
    yield
    for task_id in Job.objects.exclude(task_id="").values_list("task_id", flat=True):
        with contextlib.suppress(AssertionError):  # a task whose worker was killed never ends
            _task_result(task_id)


def test_a_worker_runs_a_queued_job_to_its_result(worker: Worker) -> None:
    """The job waits queued until the worker takes its task; the outcome is on the job row and
    the task framework's result says the task succeeded."""
    job = job_enqueue(kind="test.count", params={"n": 3}, district_id=1)
    job = worker.wait_for(job.pk, _done)
    assert job.status == JobStatus.SUCCEEDED, job.errors
    assert job.result == {"n": 3}
    assert job.percent == 100
    assert _task_result(job.task_id).status == "SUCCESSFUL"


def test_progress_inside_the_jobs_transaction_is_visible_to_the_pages(
    worker: Worker, tmp_path: Path
) -> None:
    """Like an import, the job writes inside one open transaction; its progress still reaches
    the page (beside the transaction), while what it writes stays unseen until it commits."""
    gate = tmp_path / "gate"
    job = job_enqueue(
        kind="test.hold",
        params={"gate": str(gate), "district_name": "Held District"},
        district_id=1,
    )
    seen = worker.wait_for(job.pk, lambda j: j.progress == 1)
    assert seen.status == JobStatus.RUNNING
    assert (seen.progress, seen.total, seen.percent) == (1, 3, 33)
    assert seen.message == "Inside the transaction"
    assert not District.objects.filter(name="Held District").exists()
    gate.touch()
    done = worker.wait_for(job.pk, _done)
    assert done.status == JobStatus.SUCCEEDED, done.errors
    assert District.objects.filter(name="Held District").exists()


def test_a_second_job_of_a_kind_is_refused_while_the_first_runs(
    worker: Worker, tmp_path: Path
) -> None:
    """One job of a key per district at a time, even while a worker holds it: the second is
    refused at once; after the first ends, another starts."""
    from masterypath.jobs.errors import JobError, JobErrorCode

    gate = tmp_path / "gate"
    params = {"gate": str(gate), "district_name": "One at a time"}
    first = job_enqueue(kind="test.hold", params=params, district_id=1)
    worker.wait_for(first.pk, lambda j: j.status == JobStatus.RUNNING)
    with pytest.raises(JobError) as caught:
        job_enqueue(kind="test.hold", params=params, district_id=1)
    assert caught.value.code == JobErrorCode.ALREADY_RUNNING
    assert "is already running" in caught.value.message
    gate.touch()
    worker.wait_for(first.pk, _done)
    again = job_enqueue(kind="test.hold", params={**params, "district_name": "Next"}, district_id=1)
    assert worker.wait_for(again.pk, _done).status == JobStatus.SUCCEEDED


def test_refusals_and_crashes_in_a_worker_fail_the_job_with_their_errors(worker: Worker) -> None:
    """Errors per row of a refused job reach the page; a bug fails the job, and the task
    framework's result keeps the traceback."""
    refused = job_enqueue(kind="test.refuse", params={})
    crashed = job_enqueue(kind="test.crash", params={})
    refused = worker.wait_for(refused.pk, _done)
    crashed = worker.wait_for(crashed.pk, _done)
    assert refused.status == JobStatus.FAILED
    assert refused.errors == [{"file": "a.csv", "line": 2, "message": "no"}]
    assert crashed.status == JobStatus.FAILED
    assert "ZeroDivisionError" in crashed.errors[0]["message"]
    result = _task_result(crashed.task_id)
    assert result.status == "FAILED"
    assert "ZeroDivisionError" in result.errors[0].traceback


def test_a_mastery_recompute_runs_in_the_worker(worker: Worker, world: World) -> None:
    """A product job: the worker process finds the mastery app's task by its name and
    recomputes the district's estimates."""
    district_id = world.staff["admin_d1"].district_id
    MasteryEstimate.objects.all().delete()
    job = job_enqueue(
        kind=RECOMPUTE_JOB, params={"district_id": district_id}, district_id=district_id
    )
    job = worker.wait_for(job.pk, _done)
    assert job.status == JobStatus.SUCCEEDED, job.errors
    assert MasteryEstimate.objects.filter(student__district_id=district_id).exists()


@pytest.mark.skipif(
    BACKEND != "rq", reason="RQ runs each job in a child process, so it can tell one that died"
)
def test_a_job_whose_worker_died_is_failed_and_frees_its_district(worker: Worker) -> None:
    """RQ records a work horse killed in the middle of a job; the next read of the job fails it,
    so that the district may start another."""
    job = job_enqueue(kind="test.die", params={}, district_id=1)
    deadline = time.monotonic() + 60
    while not job_refresh(Job.objects.get(pk=job.pk)).is_done:
        assert time.monotonic() < deadline, worker.output()
        time.sleep(0.1)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message == LOST_MESSAGE
