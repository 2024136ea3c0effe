"""The Django admin shows a district administrator their own district only, through HTTP."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from django.contrib import admin
from django.test import Client

from masterypath.accounts.models import User
from masterypath.common.admin_scope import DistrictScopedAdmin
from masterypath.common.audit import audit_record
from masterypath.common.models import AuditAction, AuditEntry
from masterypath.evidence.models import Evidence
from masterypath.interop.xapi.models import MappingState, Statement, XapiClient
from masterypath.jobs.models import Job
from masterypath.mastery.models import MasteryEstimate
from masterypath.roster.models import Student
from tests import factories as f
from tests.conftest import World, user_of

pytestmark = pytest.mark.django_db


def _login(user: User, *, staff: bool = True) -> Client:
    user.is_staff = staff
    user.save()
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def d1_admin(world: World) -> Client:
    return _login(user_of(world, "admin_d1"))


@pytest.fixture
def other(world: World) -> dict[str, object]:
    """Rows of district 2: evidence, an estimate, a job, an xAPI client and statement, and an
    audit entry by district 2's administrator."""
    s5 = world.students["s5"]
    evidence = f.add_evidence(s5, world.targets[0], 3, days_ago=1)
    admin_d2 = user_of(world, "admin_d2")
    client = XapiClient.objects.create(name="Tool 2", username="xc-2", owner=admin_d2)
    now = datetime(2026, 11, 2, tzinfo=UTC)
    statement = Statement.objects.create(
        statement_id=uuid.uuid4(),
        client=client,
        payload="{}",
        verb_id="http://adlnet.gov/expapi/verbs/scored",
        actor_key="mbox:mailto:eli@example.org",
        timestamp=now,
        stored=now,
        mapping_state=MappingState.UNMAPPED,
    )
    return {
        "student": s5,
        "evidence": evidence,
        "estimate": MasteryEstimate.objects.get(student=s5),
        "job": Job.objects.create(kind="case.import", district_id=s5.district_id),
        "xapi_client": client,
        "statement": statement,
        "audit": audit_record(
            actor=admin_d2, action=AuditAction.VIEW, subject=s5, student_id=s5.pk
        ),
        "user": admin_d2,
    }


def _url(obj: object, view: str = "change") -> str:
    meta = obj._meta  # type: ignore[attr-defined]
    return f"/admin/{meta.app_label}/{meta.model_name}/{obj.pk}/{view}/"  # type: ignore[attr-defined]


def _changelist(obj: object) -> str:
    meta = obj._meta  # type: ignore[attr-defined]
    return f"/admin/{meta.app_label}/{meta.model_name}/"


KEYS = ["student", "evidence", "estimate", "job", "xapi_client", "statement", "audit", "user"]


@pytest.mark.parametrize("key", KEYS)
def test_a_district_admin_does_not_open_another_districts_row(
    d1_admin: Client, other: dict[str, object], key: str
) -> None:
    """The change view of district 2's row answers as if it did not exist (a redirect to the
    admin index with Django's "doesn't exist" message), never the row."""
    response = d1_admin.get(_url(other[key]))
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    history = d1_admin.get(_url(other[key], "history"))
    assert history.status_code == 302


@pytest.mark.parametrize("key", KEYS)
def test_a_district_admin_does_not_list_another_districts_rows(
    world: World, d1_admin: Client, other: dict[str, object], key: str
) -> None:
    response = d1_admin.get(_changelist(other[key]))
    assert response.status_code == 200
    assert _url(other[key]) not in response.content.decode()


def test_a_district_admin_lists_and_opens_their_own_districts_rows(
    world: World, d1_admin: Client, other: dict[str, object]
) -> None:
    s1 = world.students["s1"]
    listing = d1_admin.get("/admin/roster/student/").content.decode()
    assert _url(s1) in listing
    assert d1_admin.get(_url(s1)).status_code == 200
    evidence = Evidence.objects.filter(student=s1).first()
    assert _url(evidence) in d1_admin.get("/admin/evidence/evidence/").content.decode()
    entry = audit_record(
        actor=user_of(world, "teacher_a"), action=AuditAction.VIEW, subject=s1, student_id=s1.pk
    )
    audit_page = d1_admin.get("/admin/common/auditentry/").content.decode()
    assert _url(entry) in audit_page
    assert _url(other["audit"]) not in audit_page


def test_a_district_admin_cannot_delete_another_districts_student(
    d1_admin: Client, other: dict[str, object]
) -> None:
    s5 = other["student"]
    assert isinstance(s5, Student)
    response = d1_admin.post(_url(s5, "delete"), {"post": "yes"})
    assert response.status_code == 302
    bulk = d1_admin.post(
        "/admin/roster/student/",
        {"action": "delete_selected", "_selected_action": [s5.pk], "post": "yes"},
    )
    assert bulk.status_code in {200, 302}
    assert Student.objects.filter(pk=s5.pk).exists()


def test_foreign_key_choices_name_only_the_districts_rows(world: World, d1_admin: Client) -> None:
    """The add form of a student offers district 1's schools, not district 2's School C; a
    post naming School C is refused."""
    html = d1_admin.get("/admin/roster/student/add/").content.decode()
    assert "School A" in html
    assert "School C" not in html
    s1 = world.students["s1"]
    school_c = world.students["s5"].school
    response = d1_admin.post(
        _url(s1),
        {
            "district": s1.district_id,
            "school": school_c.pk,
            "local_id": s1.local_id,
            "given_name": s1.given_name,
            "family_name": s1.family_name,
            "grade_level": s1.grade_level,
            "guardian_links-TOTAL_FORMS": 0,
            "guardian_links-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200  # the form again, with its error
    assert "Select a valid choice" in response.content.decode()
    s1.refresh_from_db()
    assert s1.school_id != school_c.pk


def test_the_sidebar_filters_name_no_other_districts_schools(d1_admin: Client) -> None:
    html = d1_admin.get("/admin/roster/student/").content.decode()
    assert "School A" in html
    assert "School C" not in html


def test_a_district_admin_grants_no_superuser(world: World, d1_admin: Client) -> None:
    """The operator-only flags are read only for a district administrator: a post setting
    them changes nothing."""
    teacher = user_of(world, "teacher_a")
    response = d1_admin.post(
        _url(teacher),
        {
            "username": teacher.username,
            "is_superuser": "on",
            "is_staff": "on",
            "is_active": "on",
            "role": teacher.role,
            "preferred_language": "en",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    teacher.refresh_from_db()
    assert not teacher.is_superuser
    assert not teacher.is_staff


def test_a_staff_login_that_administers_no_district_sees_nothing(
    world: World, other: dict[str, object]
) -> None:
    teacher = _login(user_of(world, "teacher_a"))
    assert teacher.get("/admin/roster/student/").status_code == 403
    assert teacher.get(_url(world.students["s1"])).status_code in {302, 403}
    assert "roster" not in teacher.get("/admin/").content.decode().lower()


def test_the_operator_sees_every_district(world: World, other: dict[str, object]) -> None:
    operator = f.UserFactory(is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(operator)
    for key in KEYS:
        assert client.get(_url(other[key])).status_code == 200, key


def test_every_model_admin_is_scoped_and_its_list_opens_for_a_district_admin(
    d1_admin: Client, other: dict[str, object]
) -> None:
    """No admin of ours is left unscoped, and each scoped list resolves its district paths."""
    for model, model_admin in admin.site._registry.items():
        if not model.__module__.startswith("masterypath."):
            continue
        assert isinstance(model_admin, DistrictScopedAdmin), model
        response = d1_admin.get(f"/admin/{model._meta.app_label}/{model._meta.model_name}/")
        assert response.status_code == 200, model


def test_audit_entries_of_the_product_acting_for_a_district_belong_to_it(
    world: World,
) -> None:
    """An import's entry (no person, the district in its detail) is listed for that district."""
    s1 = world.students["s1"]
    entry = AuditEntry.objects.create(
        action=AuditAction.IMPORT,
        subject_type="roster.student",
        subject_id=s1.pk,
        detail={"system": "OneRoster import", "district": s1.district_id},
    )
    d1 = _login(user_of(world, "admin_d1"))
    d2 = _login(user_of(world, "admin_d2"))
    assert _url(entry) in d1.get("/admin/common/auditentry/").content.decode()
    assert _url(entry) not in d2.get("/admin/common/auditentry/").content.decode()


def test_the_demo_district_admin_is_staff_not_superuser_and_uses_the_admin(db: None) -> None:
    from masterypath.accounts.models import Role
    from masterypath.demo.seed import DEMO_LOGINS, seed_demo

    seed_demo(seed=3, students=30)
    user = User.objects.get(username=DEMO_LOGINS[Role.DISTRICT_ADMIN])
    assert user.is_staff
    assert not user.is_superuser
    assert not User.objects.filter(is_superuser=True).exists()
    client = Client()
    client.force_login(user)
    response = client.get("/admin/roster/student/")
    assert response.status_code == 200
    assert "30 students" in response.content.decode()
