"""What the pages say about background jobs that are still waiting or running: progress bars,
and "one is already running" instead of a second import or recompute of the district."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from masterypath.jobs.models import Job, JobStatus
from masterypath.mastery.models import MasteryPolicy
from masterypath.mastery.services import RECOMPUTE_JOB
from masterypath.mastery.tasks import METHOD_REPORT
from tests.conftest import World, user_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _jobs_wait(settings: Any) -> None:
    """Jobs are queued and never run: each test sees them waiting."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "QUEUES": [settings.TASKS_QUEUE],
        }
    }


def _admin(world: World) -> Client:
    client = Client()
    client.force_login(user_of(world, "admin_d1"))
    return client


def _upload(name: str = "standards.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"{}", content_type="application/json")


def test_a_second_import_while_one_waits_is_refused_and_shows_the_first(
    world: World, settings: Any, tmp_path: Path
) -> None:
    """One import at a time per district, CASE and OneRoster alike: the second upload lands on
    the first import's page with a message, and its file is not kept."""
    settings.DATA_DIR = tmp_path  # only this test's uploads
    client = _admin(world)
    first = client.post("/district/imports/case/", {"package": _upload(), "mode": "strict"})
    job = Job.objects.get()
    assert first["Location"] == f"/district/imports/jobs/{job.pk}/"
    bundle = SimpleUploadedFile("bundle.zip", b"PK", content_type="application/zip")
    second = client.post("/district/imports/oneroster/", {"bundle": bundle}, follow=True)
    assert Job.objects.count() == 1
    assert second.redirect_chain[-1][0] == f"/district/imports/jobs/{job.pk}/"
    assert f"A CASE import (#{job.pk}) is already waiting to run".encode() in second.content
    uploads = list((Path(settings.DATA_DIR) / "imports").glob("*/*"))
    assert [path.name for path in uploads] == ["standards.json"]


def test_another_district_may_import_while_one_waits(world: World) -> None:
    """The rule is per district."""
    _admin(world).post("/district/imports/case/", {"package": _upload(), "mode": "strict"})
    other = Client()
    other.force_login(user_of(world, "admin_d2"))
    other.post("/district/imports/case/", {"package": _upload(), "mode": "strict"})
    assert Job.objects.filter(status=JobStatus.QUEUED).count() == 2


def test_the_import_page_shows_the_progress_of_a_running_import(world: World) -> None:
    """A running import's page has a progress bar at its reported share and polls for more."""
    _admin(world).post("/district/imports/case/", {"package": _upload(), "mode": "strict"})
    job = Job.objects.get()
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, progress=30, total=120, message="Targets saved"
    )
    page = _admin(world).get(f"/district/imports/jobs/{job.pk}/progress/")
    assert b'<progress id="job-bar" max="100" value="25">' in page.content
    assert b"Targets saved" in page.content
    assert b"data-poll=" in page.content


def test_choosing_a_method_while_a_recompute_waits_says_so_and_changes_nothing(
    world: World,
) -> None:
    """A recompute already queued or running for the district: choosing another method is
    refused with that message, and the method stays as it was."""
    district = world.staff["admin_d1"].district
    client = _admin(world)
    client.post("/district/methods/choose/", {"method": "mean"})
    recompute = Job.objects.get(kind=RECOMPUTE_JOB)
    page = client.post("/district/methods/choose/", {"method": "highest"}, follow=True)
    assert Job.objects.filter(kind=RECOMPUTE_JOB).count() == 1
    assert MasteryPolicy.objects.get(district=district, framework=None).method == "mean"
    assert f"A mastery recompute (#{recompute.pk}) is already waiting".encode() in page.content


def test_the_method_page_shows_progress_bars_of_the_report_and_the_recompute(
    world: World,
) -> None:
    """While the report and a recompute run, the page shows each one's progress and reloads."""
    client = _admin(world)
    client.post("/district/methods/choose/", {"method": "mean"})
    client.post("/district/methods/run/")
    Job.objects.filter(kind=RECOMPUTE_JOB).update(
        status=JobStatus.RUNNING, progress=2, total=5, message="policies and BKT fitted"
    )
    report = Job.objects.get(kind=METHOD_REPORT)
    recompute = Job.objects.get(kind=RECOMPUTE_JOB)
    page = client.get("/district/methods/").content
    assert f'<progress id="job-{recompute.pk}-bar" max="100" value="40">'.encode() in page
    assert b"policies and BKT fitted" in page
    assert f'<progress id="job-{report.pk}-bar" max="100" value="0">'.encode() in page
    assert b"web/reload_soon.js" in page  # reloads while running (a static script, for the CSP)


def test_a_waiting_jobs_page_keeps_its_query_budget(
    world: World, settings: Any, django_assert_max_num_queries: Any
) -> None:
    """Asking the task framework whether a waiting job's task is still alive costs one query."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": [settings.TASKS_QUEUE]}
    }
    client = _admin(world)
    client.post("/district/imports/case/", {"package": _upload(), "mode": "strict"})
    job = Job.objects.get()
    assert job.task_id
    with django_assert_max_num_queries(8):
        assert client.get(f"/district/imports/jobs/{job.pk}/").status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(f"/district/imports/jobs/{job.pk}/progress/").status_code == 200
