"""The method report page: district admins only, computed in a job, their district's evidence."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.test import Client

from masterypath.evidence.models import Evidence
from masterypath.jobs.models import Job, JobStatus
from masterypath.mastery.models import MasteryPolicy
from masterypath.mastery.tasks import METHOD_REPORT
from tests.conftest import World, user_of
from tests.factories import add_evidence

pytestmark = pytest.mark.django_db


def _client(world: World, key: str) -> Client:
    client = Client()
    client.force_login(user_of(world, key))
    return client


def _scores(world: World) -> None:
    for key in ("s1", "s2"):
        for target in world.targets:
            for days_ago, score in [(50, 1), (40, 2), (30, 3), (20, 4), (10, 2), (5, 3)]:
                add_evidence(world.students[key], target, score, days_ago=days_ago)


@pytest.mark.parametrize("key", ["s1", "g1", "teacher_a", "counselor_a", "principal_a"])
def test_only_district_admins_see_the_method_report(world: World, key: str) -> None:
    client = _client(world, key)
    assert client.get("/district/methods/").status_code == 404
    assert client.post("/district/methods/run/").status_code == 404
    assert not Job.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in() -> None:
    response = Client().get("/district/methods/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_admin_computes_the_report_on_the_district_evidence(world: World) -> None:
    _scores(world)
    MasteryPolicy.objects.create(district=world.staff["admin_d1"].district, method="mean")
    client = _client(world, "admin_d1")
    page = client.get("/district/methods/")
    assert b"No report yet" in page.content
    assert b"<strong>The district uses:</strong> Mean" in page.content
    response = client.post("/district/methods/run/")
    assert response.status_code == 302
    job = Job.objects.get(kind=METHOD_REPORT)
    assert job.status == JobStatus.SUCCEEDED, job.errors
    assert job.district_id == world.staff["admin_d1"].district_id
    methods = {row["method"]: row for row in job.result["methods"]}
    # every score after the first of its (student, target) is an outcome
    per_pair = Counter(
        Evidence.objects.filter(
            student__district=world.staff["admin_d1"].district,
            is_voided=False,
        ).values_list("student_id", "target_id")
    )
    outcomes = sum(count - 1 for count in per_pair.values())
    assert outcomes >= 2 * 3 * 5
    assert job.result["outcomes"] == outcomes
    assert methods["mean"]["n"] == outcomes
    # nearly full coverage first, then best AUC, then the smaller error
    ranking = [
        (row["share"] < 0.9, -round(row["auc"], 3), row["rmse"] if row["rmse"] is not None else 9.0)
        for row in job.result["methods"]
    ]
    assert ranking == sorted(ranking)
    # per framework: the test world's targets share one framework, so the same outcomes
    [framework] = job.result["frameworks"]
    assert framework["title"] == world.targets[0].competency.domain.framework.title
    assert framework["outcomes"] == outcomes
    assert framework["in_use"] == "mean"
    page = client.get(response["Location"])
    assert b"By framework" in page.content
    assert b"Bayesian knowledge tracing" in page.content
    assert b"in use" in page.content
    assert b"Compute the report again" in page.content


def test_another_district_sees_only_its_own_report(world: World) -> None:
    _scores(world)
    _client(world, "admin_d1").post("/district/methods/run/")
    page = _client(world, "admin_d2").get("/district/methods/")
    assert b"No report yet" in page.content
    _client(world, "admin_d2").post("/district/methods/run/")
    job = Job.objects.filter(district_id=world.staff["admin_d2"].district_id).get()
    # District Two has no evidence: the report runs and finds nothing to score
    assert job.status == JobStatus.SUCCEEDED
    assert job.result["outcomes"] == 0


def test_a_second_request_while_one_runs_queues_nothing(world: World, settings: Any) -> None:
    settings.TASKS = {  # queued, never run in this test
        "default": {
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "QUEUES": [settings.TASKS_QUEUE],
        }
    }
    client = _client(world, "admin_d1")
    client.post("/district/methods/run/")
    client.post("/district/methods/run/")
    assert Job.objects.filter(kind=METHOD_REPORT).count() == 1
    assert b"A report is being computed" in client.get("/district/methods/").content


def test_a_failed_report_says_so_and_can_be_run_again(world: World, monkeypatch: Any) -> None:
    def broken(**_kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("masterypath.mastery.tasks.method_report_for_district", broken)
    client = _client(world, "admin_d1")
    client.post("/district/methods/run/")
    assert Job.objects.get(kind=METHOD_REPORT).status == JobStatus.FAILED
    page = client.get("/district/methods/")
    assert b'role="alert">The last report failed' in page.content
    assert b"Compute the report</button>" in page.content


def test_a_framework_policy_is_the_method_in_use_for_that_framework(world: World) -> None:
    _scores(world)
    district = world.staff["admin_d1"].district
    framework = world.targets[0].competency.domain.framework
    MasteryPolicy.objects.create(district=district, method="mean")
    MasteryPolicy.objects.create(district=district, framework=framework, method="bkt")
    _client(world, "admin_d1").post("/district/methods/run/")
    [row] = Job.objects.get(kind=METHOD_REPORT).result["frameworks"]
    assert row["in_use"] == "bkt"


@pytest.mark.parametrize("key", ["s1", "g1", "teacher_a", "counselor_a", "principal_a"])
def test_only_district_admins_choose_a_method(world: World, key: str) -> None:
    response = _client(world, key).post("/district/methods/choose/", {"method": "mean"})
    assert response.status_code == 404
    assert not MasteryPolicy.objects.exists()


def test_admin_chooses_a_method_for_a_framework_from_the_report(world: World) -> None:
    framework = world.targets[0].competency.domain.framework
    client = _client(world, "admin_d1")
    response = client.post(
        "/district/methods/choose/", {"method": "power_law", "framework": str(framework.pk)}
    )
    assert response.status_code == 302
    policy = MasteryPolicy.objects.get()
    assert (policy.framework_id, policy.method) == (framework.pk, "power_law")
    page = client.get(response["Location"])
    assert f"Power law (Marzano) is now the method for {framework.title}".encode() in page.content
    for bad, status in (("abc", 400), ("999999", 404)):
        assert (
            client.post(
                "/district/methods/choose/", {"method": "mean", "framework": bad}
            ).status_code
            == status
        )
    refused = client.post("/district/methods/choose/", {"method": "vibes"}, follow=True)
    assert b"No mastery method" in refused.content
    assert MasteryPolicy.objects.count() == 1
