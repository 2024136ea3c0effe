"""Plan pages through HTTP: the student drafts, the teacher approves, the guardian reads, the
advisor sees advisees in a fixed number of queries; bad input answers 400 with the field."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from masterypath.plans.models import GoalKind, LearningPlan, PlanState
from masterypath.plans.services import advising_assign, goal_add, plan_create, step_add
from tests import factories as f
from tests.conftest import World, user_of


def _client(world: World, who: str) -> Client:
    client = Client()
    client.force_login(user_of(world, who))
    return client


def _plan(world: World, key: str = "s1") -> LearningPlan:
    student = world.students[key]
    today = timezone.localdate()
    plan = plan_create(
        actor=student.user,
        student=student,
        title="This term",
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=90),
    )
    goal = goal_add(
        actor=student.user,
        plan=plan,
        kind=GoalKind.ACADEMIC,
        title="Reach proficient on fractions",
        measure="A 3 on the check",
        target_on=today + timedelta(days=40),
        targets=[world.targets[0]],
    )
    step_add(
        actor=student.user, goal=goal, what="Finish practice set B", due_on=today, is_daily=True
    )
    return plan


def test_student_home_shows_goals_and_todays_steps_first(world: World) -> None:
    _plan(world)
    page = _client(world, "s1").get("/").content.decode()
    slot = page.index('id="learning-plan"')
    assert slot < page.index('id="where-heading"')
    assert "Reach proficient on fractions" in page[slot:]
    assert "Finish practice set B" in page[slot:]


def test_student_drafts_a_plan_and_goal_through_the_pages(world: World) -> None:
    client = _client(world, "s2")
    student = world.students["s2"]
    today = timezone.localdate()
    response = client.post(
        f"/plans/students/{student.pk}/",
        {
            "title": "Spring",
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=60)).isoformat(),
        },
    )
    assert response.status_code == 302
    plan = LearningPlan.objects.get(student=student)
    bad = client.post(
        f"/plans/{plan.pk}/goals/",
        {"kind": "academic", "title": "", "target_on": today.isoformat(), "targets": "4.NF.1"},
    )
    assert bad.status_code == 400
    assert "Write what the goal is." in bad.content.decode()
    past = client.post(
        f"/plans/{plan.pk}/goals/",
        {"kind": "personal", "title": "Read", "target_on": (today - timedelta(days=2)).isoformat()},
    )
    assert past.status_code == 400
    assert "Pick a date that has not passed." in past.content.decode()
    unknown = client.post(
        f"/plans/{plan.pk}/goals/",
        {"kind": "academic", "title": "X", "target_on": today.isoformat(), "targets": "NO.SUCH"},
    )
    assert unknown.status_code == 400
    assert "NO.SUCH" in unknown.content.decode()
    good = client.post(
        f"/plans/{plan.pk}/goals/",
        {
            "kind": "academic",
            "title": "Fractions",
            "target_on": today.isoformat(),
            "targets": "4.NF.1",
        },
    )
    assert good.status_code == 302
    assert client.post(f"/plans/{plan.pk}/submit/").status_code == 302
    plan.refresh_from_db()
    assert plan.state == PlanState.IN_REVIEW
    # A student cannot approve: the page says why.
    refused = client.post(f"/plans/{plan.pk}/approve/")
    assert refused.status_code == 400
    assert "Only a teacher or advisor can do that." in refused.content.decode()
    assert _client(world, "teacher_a").post(f"/plans/{plan.pk}/approve/").status_code == 302
    plan.refresh_from_db()
    assert plan.state == PlanState.ACTIVE


def test_guardian_reads_the_childs_plan_and_changes_nothing(world: World) -> None:
    plan = _plan(world)
    client = _client(world, "g1")
    page = client.get(f"/plans/{plan.pk}/")
    assert page.status_code == 200
    assert "Reach proficient on fractions" in page.content.decode()
    assert "Add a goal" not in page.content.decode()
    assert client.post(f"/plans/{plan.pk}/submit/").status_code == 404
    assert _client(world, "g2").get(f"/plans/{plan.pk}/").status_code == 404


@pytest.mark.parametrize("who", ["s2", "teacher_a2", "admin_d2", "principal_b"])
def test_others_get_404_for_the_plan(world: World, who: str) -> None:
    plan = _plan(world)
    assert _client(world, who).get(f"/plans/{plan.pk}/").status_code == 404
    assert _client(world, who).get(f"/plans/students/{plan.student_id}/profile/").status_code == 404


def test_profile_page_saves_a_version_and_lists_who_changed_it(world: World) -> None:
    student = world.students["s1"]
    client = _client(world, "teacher_a")
    response = client.post(
        f"/plans/students/{student.pk}/profile/",
        {"strengths": "Patient", "group_preferences": ["pairs"], "supports": "Quiet corner"},
    )
    assert response.status_code == 302
    page = client.get(f"/plans/students/{student.pk}/profile/").content.decode()
    assert "Quiet corner" in page
    assert "My strengths" in page  # the changed fields by their labels


def test_staff_profile_shows_the_plan_section(world: World) -> None:
    _plan(world)
    page = _client(world, "teacher_a").get(f"/students/{world.students['s1'].pk}/").content.decode()
    slot = page.index('id="learning-plan"')
    assert "Reach proficient on fractions" in page[slot:]


def test_advisor_view_of_30_advisees_has_a_fixed_query_budget(
    world: World, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    advisor = world.staff["teacher_a"]
    school = world.students["s1"].school
    today = timezone.localdate()
    students = []
    for n in range(30):
        student = f.StudentFactory(school=school)
        students.append(student)
        plan = plan_create(
            actor=advisor.user,
            student=student,
            title=f"Plan {n}",
            starts_on=today - timedelta(days=10),
            ends_on=today + timedelta(days=60),
        )
        goal = goal_add(
            actor=advisor.user,
            plan=plan,
            kind=GoalKind.HABITS,
            title="Hand work in",
            measure="",
            target_on=today + timedelta(days=20),
        )
        step_add(actor=advisor.user, goal=goal, what=f"Step {n}", due_on=today + timedelta(days=3))
    advising_assign(actor=advisor.user, advisor=advisor, students=students)
    client = _client(world, "teacher_a")
    with django_assert_max_num_queries(14):
        response = client.get("/plans/advisees/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("Step ") >= 30
    assert "30 advisees" in page


def test_a_student_has_no_advisee_page(world: World) -> None:
    assert _client(world, "s1").get("/plans/advisees/").status_code == 404
