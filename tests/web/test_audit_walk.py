"""Every URL pattern and API operation that shows a student's data leaves an audit entry.

The walk fills each pattern's parameters with rows of the test world, requests it as every
role (and as the district administrator in the admin), and looks for the students' names in
what comes back. A response that names a student must come with audit entries, written during
that request, that list the student.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from masterypath.common.models import AuditEntry
from masterypath.evidence.models import Artifact, Assessment, Evidence, Observation
from masterypath.jobs.models import Job
from tests.conftest import ROLE_OF, World, user_of

pytestmark = pytest.mark.django_db

PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")

# Patterns answered from more than the parameters below.
EXTRA_PATHS = [
    "/schools/{school_id}/export/students/students.csv",
    "/schools/{school_id}/export/overview/on-grade-level.csv",
    "/district/export/overview/schools-on-grade-level.csv",
    "/api/v1/evidence?student_id={student_id}",
]


def _patterns(resolvers: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[str]:
    for item in resolvers:
        if isinstance(item, URLResolver):
            yield from _patterns(item.url_patterns, prefix + str(item.pattern))
        else:
            yield prefix + str(item.pattern)


def _ids(world: World) -> dict[str, int]:
    s1 = world.students["s1"]
    section = world.sections["S1"]
    teacher = world.staff["teacher_a"]
    assessment = Assessment.objects.create(
        section=section, title="Quiz", kind="formative", assessed_on=datetime.now(UTC).date()
    )
    assessment.targets.add(world.targets[0])
    artifact = Artifact(student=s1, title="Essay", content_type="text/plain", size_bytes=20)
    # The file names its author, so that the walk sees a download of it as a read.
    artifact.file.save("essay.txt", ContentFile(f"An essay by {s1.family_name}".encode()))
    Observation.objects.create(
        student=s1, author=teacher, note="Explains fractions", observed_at=datetime.now(UTC)
    )
    job = Job.objects.create(kind="oneroster.import", district_id=s1.district_id)
    evidence = Evidence.objects.filter(student=s1).first()
    assert evidence is not None
    return {
        "student_id": s1.pk,
        "section_id": section.pk,
        "school_id": s1.school_id,
        "assessment_id": assessment.pk,
        "artifact_id": artifact.pk,
        "target_id": world.targets[0].pk,
        "framework_id": world.targets[0].competency.domain.framework_id,
        "evidence_id": evidence.pk,
        "job_id": job.pk,
        "import_id": 0,
        "statement_pk": 0,
    }


def _urls(ids: dict[str, int]) -> list[str]:
    urls = set()
    for pattern in _patterns(get_resolver().url_patterns):
        if pattern.startswith(("admin/", "api/v1/assets")) or "static" in pattern:
            continue
        names = [m.group("name") for m in PARAMETER.finditer(pattern)]
        if any(name not in ids for name in names):
            continue  # a pattern with free slugs is requested through EXTRA_PATHS
        path = PARAMETER.sub(lambda m: str(ids[m.group("name")]), pattern).lstrip("^")
        urls.add("/" + path.rstrip("$"))
    urls.update(path.format(**ids) for path in EXTRA_PATHS)
    return sorted(urls)


def _admin_urls(world: World) -> list[str]:
    urls = []
    s1 = world.students["s1"]
    for model in admin.site._registry:
        if not model.__module__.startswith("masterypath."):
            continue
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        urls.append(base)
        urls.extend(f"{base}{row.pk}/change/" for row in model._default_manager.all()[:3])
    urls.append(f"/admin/roster/student/{s1.pk}/history/")
    return urls


def _body(response: object) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")  # type: ignore[attr-defined]
    return response.content.decode(errors="replace")  # type: ignore[attr-defined]


def _named_students(world: World, body: str) -> set[int]:
    return {s.pk for s in world.students.values() if s.family_name in body}


def _audited_students(since_id: int) -> set[int]:
    named: set[int] = set()
    for entry in AuditEntry.objects.filter(id__gt=since_id):
        if entry.student_id is not None:
            named.add(entry.student_id)
        named.update(entry.detail.get("students", []))
    return named


@pytest.fixture
def named_world(world: World, settings: object, tmp_path: object) -> World:
    """Family names that appear nowhere else in a page; uploads in a temporary folder."""
    settings.MEDIA_ROOT = str(tmp_path)  # type: ignore[attr-defined]
    for key, student in world.students.items():
        student.family_name = f"Zq{key}Family"
        student.save()
    return world


def _walk(world: World, client: Client, urls: list[str]) -> list[str]:
    unaudited = []
    shown = 0
    for url in urls:
        last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
        response = client.get(url)
        if response.status_code != 200:
            continue
        students = _named_students(world, _body(response))
        if not students:
            continue
        shown += 1
        missing = students - _audited_students(last)
        if missing:
            unaudited.append(f"{url}: students {sorted(missing)} shown, not audited")
    assert shown, "the walk reached no page that shows a student"
    return unaudited


@pytest.mark.parametrize("person", sorted(ROLE_OF))
def test_every_page_and_api_operation_that_shows_a_student_audits_the_read(
    named_world: World, person: str
) -> None:
    ids = _ids(named_world)
    client = Client()
    client.force_login(user_of(named_world, person))
    assert _walk(named_world, client, _urls(ids)) == []


def test_every_admin_view_that_shows_a_student_audits_the_read(named_world: World) -> None:
    _ids(named_world)
    user = user_of(named_world, "admin_d1")
    user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    assert _walk(named_world, client, _admin_urls(named_world)) == []


def test_a_page_that_shows_no_student_writes_no_entry(named_world: World) -> None:
    client = Client()
    client.force_login(user_of(named_world, "teacher_a"))
    before = AuditEntry.objects.count()
    assert client.get("/api/v1/frameworks").status_code == 200
    assert AuditEntry.objects.count() == before


def test_one_entry_per_request_lists_every_student_shown(named_world: World) -> None:
    """A roster of two students: one entry naming both, not one per row."""
    client = Client()
    client.force_login(user_of(named_world, "teacher_a"))
    section = named_world.sections["S1"]
    before = AuditEntry.objects.count()
    assert client.get(f"/api/v1/sections/{section.pk}/students").status_code == 200
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.latest("id")
    expected = sorted(named_world.students[k].pk for k in ("s1", "s2"))
    assert entry.detail["students"] == expected
    assert entry.actor == user_of(named_world, "teacher_a")
    assert entry.detail["page"] == "api-v1:section_students"


def _xapi_agent(student: object, *, named: bool = True) -> dict[str, object]:
    """A student's Agent by the mapping rule (account name = local id); `named` also puts the
    family name in it, so that the walk sees a response carrying it as showing the student."""
    agent: dict[str, object] = {
        "objectType": "Agent",
        "account": {"homePage": "https://sis.example.org", "name": student.local_id},  # type: ignore[attr-defined]
    }
    if named:
        agent["name"] = student.family_name  # type: ignore[attr-defined]
    return agent


def test_every_xapi_read_that_shows_a_student_audits_it(named_world: World) -> None:
    """The xAPI GET endpoints, with a client's Basic credentials, over statements and documents
    about the students: each response naming a student comes with an entry listing them."""
    import base64
    import json
    import uuid
    from urllib.parse import urlencode

    from masterypath.interop.xapi.auth import cache_clear as auth_cache_clear
    from masterypath.interop.xapi.mapping import cache_clear as mapping_cache_clear
    from masterypath.interop.xapi.services import xapi_client_create

    auth_cache_clear()
    mapping_cache_clear()
    new = xapi_client_create(actor=None, name="Walk", owner=user_of(named_world, "admin_d1"))
    token = base64.b64encode(f"{new.client.username}:{new.password}".encode()).decode()
    headers = {"HTTP_AUTHORIZATION": f"Basic {token}", "HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}
    client = Client()
    s1, s2 = named_world.students["s1"], named_world.students["s2"]
    activity = "https://tool.example.org/activities/q1"
    one = str(uuid.uuid4())
    statements = [
        {
            "id": one if student is s1 else str(uuid.uuid4()),
            "actor": _xapi_agent(student),
            "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
            "object": {"id": activity},
        }
        for student in (s1, s2)
    ]
    posted = client.post(
        "/xapi/statements", json.dumps(statements), content_type="application/json", **headers
    )
    assert posted.status_code == 200
    agent = json.dumps(_xapi_agent(s1))
    document = json.dumps({"note": f"bookmark of {s1.family_name}"})
    for path, params in (
        ("/xapi/activities/state", {"activityId": activity, "agent": agent, "stateId": "b"}),
        ("/xapi/agents/profile", {"agent": agent, "profileId": "p"}),
    ):
        put = client.put(
            f"{path}?{urlencode(params)}",
            document,
            content_type="application/json",
            HTTP_IF_NONE_MATCH="*",
            **headers,
        )
        assert put.status_code == 204, put.content
    queries = {
        "xapi/statements": [{}, {"statementId": one}, {"agent": agent}],
        "xapi/about": [{}],
        "xapi/activities/state": [
            {"activityId": activity, "agent": agent, "stateId": "b"},
            {"activityId": activity, "agent": agent},
        ],
        "xapi/activities/profile": [{"activityId": activity}],
        "xapi/activities": [{"activityId": activity}],
        "xapi/agents/profile": [{"agent": agent, "profileId": "p"}, {"agent": agent}],
        # Agents echoes the agent asked about (nothing stored): asked without the name.
        "xapi/agents": [{"agent": json.dumps(_xapi_agent(s1, named=False))}],
    }
    patterns = {
        p
        for p in _patterns(get_resolver().url_patterns)
        if p.startswith("xapi/") and not p.startswith("xapi/unmapped/")
    }
    assert patterns == set(queries), "a new xAPI endpoint: add its GET requests to the walk"
    unaudited, shown = [], 0
    for pattern, requests in queries.items():
        for params in requests:
            url = f"/{pattern}?{urlencode(params)}"
            last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
            response = client.get(url, **headers)
            assert response.status_code == 200, (url, response.content)
            students = _named_students(named_world, _body(response))
            shown += bool(students)
            missing = students - _audited_students(last)
            if missing:
                unaudited.append(f"{url}: students {sorted(missing)} shown, not audited")
    assert shown == 5  # three statement reads and the two documents
    assert unaudited == []
