"""The REST API through HTTP: auth, the pages' access rules per role, evidence writes, errors."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.http import HttpRequest
from django.test import Client
from django.utils import timezone

from masterypath.evidence.models import Evidence
from masterypath.interop.xapi.auth import cache_clear
from masterypath.interop.xapi.services import xapi_client_create
from tests.conftest import World, user_of
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

V1 = "/api/v1"


@pytest.fixture(autouse=True)
def _fresh_auth_cache() -> None:
    cache_clear()


def session(world: World, key: str, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    assert client.login(
        request=HttpRequest(), username=user_of(world, key).username, password=PASSWORD
    )
    return client


def token_for(world: World, key: str) -> dict[str, str]:
    new = xapi_client_create(actor=None, name="SIS sync", owner=user_of(world, key))
    return {"HTTP_AUTHORIZATION": f"Bearer {new.api_token}"}


def ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def test_anonymous_gets_401_with_a_json_body() -> None:
    """Without a session or token every endpoint answers 401 and says how to authenticate."""
    response = Client().get(f"{V1}/students")
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


def test_bad_token_gets_401(world: World) -> None:
    """A token with a wrong password is refused."""
    headers = token_for(world, "admin_d1")
    bad = {"HTTP_AUTHORIZATION": headers["HTTP_AUTHORIZATION"][:-3] + "xyz"}
    assert Client().get(f"{V1}/students", **bad).status_code == 401


def test_token_acts_with_its_owners_access(world: World) -> None:
    """A client owned by district one's admin sees district one's students only."""
    response = Client().get(f"{V1}/students", **token_for(world, "admin_d1"))
    expected = {world.students[k].pk for k in ("s1", "s2", "s3", "s4")}
    assert ids(response) == expected


@pytest.mark.parametrize(
    ("key", "visible"),
    [
        ("s1", {"s1"}),
        ("g1", {"s1"}),
        ("teacher_a", {"s1", "s2"}),
        ("counselor_a", {"s1", "s2", "s3"}),
        ("principal_a", {"s1", "s2", "s3"}),
        ("admin_d1", {"s1", "s2", "s3", "s4"}),
        ("admin_d2", {"s5"}),
    ],
)
def test_each_role_lists_the_students_it_serves(world: World, key: str, visible: set[str]) -> None:
    """The student list follows students_visible_to for each role."""
    assert ids(session(world, key).get(f"{V1}/students")) == {world.students[k].pk for k in visible}


@pytest.mark.parametrize(
    ("key", "status"),
    [("teacher_a", 200), ("teacher_a2", 404), ("g2", 404), ("admin_d2", 404), ("s2", 404)],
)
def test_student_detail_is_404_when_not_visible(world: World, key: str, status: int) -> None:
    """A student outside the caller's reach looks absent."""
    response = session(world, key).get(f"{V1}/students/{world.students['s1'].pk}")
    assert response.status_code == status
    if status == 404:
        assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("key", "sections"),
    [("teacher_a", {"S1"}), ("principal_a", {"S1", "S2"}), ("s1", set()), ("g1", set())],
)
def test_sections_follow_the_roster_rules(world: World, key: str, sections: set[str]) -> None:
    """Teachers see the sections they teach, leaders their school's, students none."""
    assert ids(session(world, key).get(f"{V1}/sections")) == {
        world.sections[k].pk for k in sections
    }


def test_section_roster_and_404_for_another_teacher(world: World) -> None:
    """A section's students are listed for its teacher; another teacher gets 404."""
    section = world.sections["S1"]
    assert ids(session(world, "teacher_a").get(f"{V1}/sections/{section.pk}/students")) == {
        world.students["s1"].pk,
        world.students["s2"].pk,
    }
    assert session(world, "teacher_a2").get(f"{V1}/sections/{section.pk}").status_code == 404


def test_frameworks_and_targets(world: World) -> None:
    """A shared framework and its targets are readable; `code` filters exactly."""
    client = session(world, "s1")
    (framework_id,) = ids(client.get(f"{V1}/frameworks"))
    targets = client.get(f"{V1}/frameworks/{framework_id}/targets", {"code": "4.NF.2"})
    assert [t["code"] for t in targets.json()["items"]] == ["4.NF.2"]
    assert client.get(f"{V1}/targets/{world.targets[0].pk}").json()["code"] == "4.NF.1"
    assert client.get(f"{V1}/frameworks/999999").status_code == 404


def test_evidence_list_filters_by_date_and_pages(world: World) -> None:
    """`since`/`until` bound observed_at; page_size pages; a guardian sees their child's only."""
    client = session(world, "teacher_a")
    student = world.students["s1"].pk
    everything = client.get(f"{V1}/evidence", {"student_id": student}).json()
    assert everything["count"] == 2
    since = (timezone.now() - timedelta(days=5)).isoformat()
    recent = client.get(f"{V1}/evidence", {"student_id": student, "since": since}).json()
    assert [item["score"] for item in recent["items"]] == ["3.00"]
    paged = client.get(f"{V1}/evidence", {"page_size": 1, "page": 2}).json()
    assert (paged["count"], len(paged["items"]), paged["page"]) == (2, 1, 2)
    assert session(world, "g2").get(f"{V1}/evidence").json()["count"] == 1


def test_teacher_records_and_voids_evidence(world: World) -> None:
    """POST /evidence records through the service (201); void marks it with the reason."""
    client = session(world, "teacher_a")
    body = {
        "student_id": world.students["s2"].pk,
        "target_id": world.targets[1].pk,
        "score": "3.5",
        "observed_at": timezone.now().isoformat(),
        "kind": "quiz",
    }
    response = client.post(f"{V1}/evidence", body, content_type="application/json")
    assert response.status_code == 201, response.content
    evidence_id = response.json()["id"]
    assert Evidence.objects.get(pk=evidence_id).recorded_by == user_of(world, "teacher_a")
    voided = client.post(
        f"{V1}/evidence/{evidence_id}/void",
        {"reason": "wrong student"},
        content_type="application/json",
    )
    assert voided.json()["is_voided"] is True
    again = client.post(
        f"{V1}/evidence/{evidence_id}/void", {"reason": "x"}, content_type="application/json"
    )
    assert again.status_code == 400
    assert again.json()["code"] == "already_voided"


@pytest.mark.parametrize(
    ("key", "student", "change", "status", "code"),
    [
        ("teacher_a", "s3", {}, 404, "not_found"),
        ("s1", "s1", {}, 403, "not_allowed"),
        ("teacher_a", "s1", {"score": "9"}, 400, "score_off_scale"),
        ("teacher_a", "s1", {"observed_at": "2099-01-01T00:00:00Z"}, 400, "future_date"),
        ("teacher_a", "s1", {"target_id": 999999}, 404, "not_found"),
    ],
)
def test_evidence_write_errors_have_clear_bodies(
    world: World, key: str, student: str, change: dict[str, Any], status: int, code: str
) -> None:
    """Refusals answer with the status and a {detail, code} body."""
    body = {
        "student_id": world.students[student].pk,
        "target_id": world.targets[0].pk,
        "score": "3",
        "observed_at": timezone.now().isoformat(),
        **change,
    }
    response = session(world, key).post(f"{V1}/evidence", body, content_type="application/json")
    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["detail"]


def test_invalid_body_is_422_listing_the_field(world: World) -> None:
    """A malformed body names the field that failed."""
    response = session(world, "teacher_a").post(
        f"{V1}/evidence", {"student_id": "x"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "student_id" in str(response.json()["detail"])


def test_session_writes_need_the_csrf_token(world: World) -> None:
    """A browser session cannot POST without the CSRF token (tokens need none)."""
    client = session(world, "teacher_a", csrf=True)
    body = {
        "student_id": world.students["s1"].pk,
        "target_id": world.targets[0].pk,
        "score": "3",
        "observed_at": timezone.now().isoformat(),
    }
    response = client.post(f"{V1}/evidence", body, content_type="application/json")
    assert response.status_code in {401, 403}
    headers = token_for(world, "teacher_a")
    assert (
        Client()
        .post(f"{V1}/evidence", body, content_type="application/json", **headers)
        .status_code
        == 201
    )


def test_schema_and_docs_are_served_without_a_cdn(world: World) -> None:
    """The OpenAPI schema lists the endpoints; the docs page loads Swagger UI from our server."""
    client = session(world, "teacher_a")
    schema = client.get(f"{V1}/openapi.json").json()
    assert f"{V1}/evidence" in schema["paths"]
    page = client.get(f"{V1}/docs").content.decode()
    assert "cdn" not in page.lower()
    assert client.get(f"{V1}/assets/swagger-ui-bundle.js").status_code == 200
    assert client.get(f"{V1}/assets/docs-init.js").status_code == 200


def test_every_endpoint_is_documented() -> None:
    """docs/api.md names every operation of the schema (method and path)."""
    from pathlib import Path

    from masterypath.api.main import api

    text = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()
    for path, operations in api.get_openapi_schema()["paths"].items():
        short = (
            path.removeprefix(V1)
            .replace("{student_id}", "{id}")
            .replace("{section_id}", "{id}")
            .replace("{framework_id}", "{id}")
            .replace("{target_id}", "{id}")
            .replace("{evidence_id}", "{id}")
        )
        for method in operations:
            assert f"{method.upper()} {short}" in text, f"{method.upper()} {short}"


def test_date_filters_with_extreme_offsets_are_answered(db: None) -> None:
    """ISO 8601 allows +19:00; PostgreSQL does not: bounds are converted to UTC first."""
    from django.test import Client

    from tests.conftest import build_world, user_of

    world = build_world()
    client = Client()
    client.force_login(user_of(world, "admin_d1"))
    response = client.get("/api/v1/students", {"updated_since": "0185-05-16T05:02:47+19:00"})
    assert response.status_code == 200
    response = client.get("/api/v1/evidence", {"since": "2000-01-01T00:00:00-18:00"})
    assert response.status_code == 200
