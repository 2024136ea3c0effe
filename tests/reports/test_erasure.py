"""Erasing a student's record: evidence voided in one batch, personal fields and learner
profile blanked, guardian links removed, login closed, one audit entry; all or nothing."""

from __future__ import annotations

from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from masterypath.accounts.actors import SystemActor
from masterypath.accounts.models import User
from masterypath.common.models import AuditEntry
from masterypath.evidence.models import Artifact, Evidence, Observation
from masterypath.plans.models import (
    ActionStep,
    Goal,
    GoalKind,
    LearnerProfile,
    LearnerProfileVersion,
    LearningPlan,
    NoteKind,
    PlanEvent,
    PlanEventKind,
    PlanNote,
)
from masterypath.plans.services import ProfileInput, learner_profile_update
from masterypath.reports.erasure import ErasureError, ErasureErrorCode, student_erase
from masterypath.roster.models import GuardianLink, Student
from tests.conftest import World, user_of
from tests.factories import add_evidence

pytestmark = pytest.mark.django_db


def _profile(world: World) -> None:
    learner_profile_update(
        actor=user_of(world, "teacher_a"),
        student=world.students["s1"],
        values=ProfileInput(strengths="Loves fractions", group_preferences=("pairs",)),
    )


def test_erasure_voids_blanks_unlinks_and_audits_once(world: World) -> None:
    s1 = world.students["s1"]
    _profile(world)
    login_id = s1.user_id
    s1.birth_on = date(2015, 3, 4)
    s1.is_hispanic_latino = True
    s1.home_language = "Spanish"
    s1.save()
    enrollments_before = s1.enrollments.count()
    admin = user_of(world, "admin_d1")
    before = AuditEntry.objects.count()

    result = student_erase(actor=admin, student=s1, confirm_local_id=f" {s1.local_id} ")

    assert (result.evidence_voided, result.guardian_links_removed) == (2, 1)
    assert result.profile_erased
    assert result.login_closed
    assert not Evidence.objects.filter(student=s1, is_voided=False).exists()
    assert set(Evidence.objects.filter(student=s1).values_list("voided_by", flat=True)) == {
        admin.pk
    }
    s1.refresh_from_db()
    assert (s1.given_name, s1.family_name, s1.middle_name, s1.preferred_name) == (
        "Erased",
        "student",
        "",
        "",
    )
    assert s1.local_id == f"erased-{s1.pk}"
    assert (s1.source_id, s1.state_id, s1.birth_on, s1.home_language) == ("", "", None, "")
    assert not s1.is_hispanic_latino
    assert not s1.is_active
    assert s1.user_id is None
    assert s1.enrollments.count() == enrollments_before  # the row stays in the counts
    assert not GuardianLink.objects.filter(student=s1).exists()
    assert GuardianLink.objects.filter(student=world.students["s3"]).exists()
    profile = LearnerProfile.objects.get(student=s1)
    assert (profile.strengths, profile.group_preferences) == ("", [])
    assert not LearnerProfileVersion.objects.filter(profile=profile).exists()
    login = User.objects.get(pk=login_id)
    assert not login.is_active
    assert not login.has_usable_password()
    assert (login.first_name, login.last_name, login.email) == ("", "", "")
    # One entry for the evidence batch, one for the erasure itself.
    assert AuditEntry.objects.count() == before + 2
    entry = AuditEntry.objects.latest("id")
    assert entry.actor_id == admin.pk
    assert entry.student_id == s1.pk
    assert entry.detail["erasure"] is True
    assert entry.detail["evidence_voided"] == 2
    # Others are untouched.
    assert Evidence.objects.filter(student=world.students["s3"], is_voided=False).count() == 1


def test_a_wrong_confirmation_changes_nothing(world: World) -> None:
    s1 = world.students["s1"]
    with pytest.raises(ErasureError) as caught:
        student_erase(actor=user_of(world, "admin_d1"), student=s1, confirm_local_id="nope")
    assert caught.value.code is ErasureErrorCode.CONFIRMATION
    s1.refresh_from_db()
    assert s1.given_name == "Ana"
    assert Evidence.objects.filter(student=s1, is_voided=False).count() == 2
    assert GuardianLink.objects.filter(student=s1).exists()


@pytest.mark.parametrize("key", ["teacher_a", "principal_a", "counselor_a", "admin_d2"])
def test_only_the_students_district_admin_may_erase(world: World, key: str) -> None:
    s1 = world.students["s1"]
    with pytest.raises(ErasureError) as caught:
        student_erase(actor=user_of(world, key), student=s1, confirm_local_id=s1.local_id)
    assert caught.value.code is ErasureErrorCode.NOT_ALLOWED
    assert Student.objects.get(pk=s1.pk).given_name == "Ana"


def test_erasing_twice_is_refused(world: World) -> None:
    s1 = world.students["s1"]
    admin = user_of(world, "admin_d1")
    student_erase(actor=admin, student=s1, confirm_local_id=s1.local_id)
    s1.refresh_from_db()
    with pytest.raises(ErasureError) as caught:
        student_erase(actor=admin, student=s1, confirm_local_id=s1.local_id)
    assert caught.value.code is ErasureErrorCode.ALREADY_ERASED


def test_a_system_actor_of_another_district_may_not(world: World) -> None:
    s1 = world.students["s1"]
    actor = SystemActor(district_id=world.students["s5"].district_id, name="test")
    with pytest.raises(ErasureError):
        student_erase(actor=actor, student=s1, confirm_local_id=s1.local_id)


def test_the_command_erases_with_confirmation(world: World) -> None:
    s3 = world.students["s3"]
    out = StringIO()
    call_command(
        "erase-student",
        district=str(s3.district_id),
        local_id=s3.local_id,
        confirm=s3.local_id,
        stdout=out,
    )
    assert "1 evidence entries voided, 1 guardian links removed" in out.getvalue()
    s3.refresh_from_db()
    assert s3.given_name == "Erased"
    entry = AuditEntry.objects.latest("id")
    assert entry.actor_id is None
    assert entry.detail["system"] == "erase-student"


def test_the_command_refuses_a_wrong_confirmation_or_student(world: World) -> None:
    s3 = world.students["s3"]
    with pytest.raises(CommandError, match="local id exactly"):
        call_command(
            "erase-student", district=str(s3.district_id), local_id=s3.local_id, confirm="x"
        )
    with pytest.raises(CommandError, match="No student"):
        call_command(
            "erase-student", district=str(s3.district_id), local_id="missing", confirm="missing"
        )
    assert Student.objects.get(pk=s3.pk).given_name == "Chen"


def test_erasure_blanks_comments_and_notes_and_removes_work_files(
    world: World, settings: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    s1 = world.students["s1"]
    Evidence.objects.filter(student=s1).update(comment="Ana explained it to Ben")
    Observation.objects.create(
        student=s1,
        author=world.staff["teacher_a"],
        note="Ana was upset today",
        observed_at=timezone.now(),
    )
    artifact = Artifact(student=s1, title="Ana's essay", content_type="text/plain")
    artifact.file.save("essay.txt", ContentFile(b"An essay by Ana Lopez"))
    stored = Path(artifact.file.path)
    assert stored.exists()
    other = world.students["s3"]
    Evidence.objects.filter(student=other).update(comment="keep me")

    with django_capture_on_commit_callbacks(execute=True):
        result = student_erase(
            actor=user_of(world, "admin_d1"), student=s1, confirm_local_id=s1.local_id
        )

    assert (result.comments_blanked, result.observations_blanked, result.files_removed) == (
        2,
        1,
        1,
    )
    assert set(Evidence.objects.filter(student=s1).values_list("comment", flat=True)) == {""}
    assert Observation.objects.get(student=s1).note == ""
    artifact.refresh_from_db()
    assert (artifact.title, artifact.file.name) == ("Erased work", "")
    assert not stored.exists()
    assert Evidence.objects.get(student=other).comment == "keep me"


def test_a_failure_midway_rolls_back_everything_and_keeps_the_files(
    world: World,
    settings: Any,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    s1 = world.students["s1"]
    artifact = Artifact(student=s1, title="Essay", content_type="text/plain")
    artifact.file.save("essay.txt", ContentFile(b"An essay"))

    def broken(**_: object) -> bool:
        raise RuntimeError("disk full")

    monkeypatch.setattr("masterypath.reports.erasure.learner_profile_erase", broken)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        student_erase(actor=user_of(world, "admin_d1"), student=s1, confirm_local_id=s1.local_id)
    assert Path(artifact.file.path).exists()
    assert Evidence.objects.filter(student=s1, is_voided=False).count() == 2
    artifact.refresh_from_db()
    assert artifact.title == "Essay"


def test_erasure_blanks_the_words_of_learning_plans_but_keeps_goals(world: World) -> None:
    s1 = world.students["s1"]
    today = timezone.localdate()
    plan = LearningPlan.objects.create(
        student=s1, title="Ana's fall plan", starts_on=today, ends_on=today
    )
    goal = Goal.objects.create(
        plan=plan, kind=GoalKind.PERSONAL, title="Ana reads daily", measure="Log", target_on=today
    )
    step = ActionStep.objects.create(goal=goal, what="Ana reads to Ben", due_on=today)
    PlanNote.objects.create(plan=plan, goal=goal, kind=NoteKind.REFLECTION, body="I, Ana, ...")
    PlanEvent.objects.create(
        plan=plan,
        kind=PlanEventKind.GOAL_ADDED,
        detail={"title": "Ana reads daily"},
        at=timezone.now(),
    )
    other = LearningPlan.objects.create(
        student=world.students["s3"], title="Chen's plan", starts_on=today, ends_on=today
    )

    result = student_erase(
        actor=user_of(world, "admin_d1"), student=s1, confirm_local_id=s1.local_id
    )

    assert result.plans_blanked == 1
    plan.refresh_from_db()
    goal.refresh_from_db()
    step.refresh_from_db()
    assert (plan.title, goal.title, goal.measure, step.what) == (
        "Erased plan",
        "Erased goal",
        "",
        "Erased step",
    )
    assert set(PlanNote.objects.filter(plan=plan).values_list("body", flat=True)) == {""}
    assert [event.detail for event in PlanEvent.objects.filter(plan=plan)] == [{}]
    assert Goal.objects.filter(plan=plan).count() == 1
    other.refresh_from_db()
    assert other.title == "Chen's plan"


def test_erasure_queries_do_not_grow_with_the_evidence(
    world: World, django_assert_max_num_queries: Any
) -> None:
    s1 = world.students["s1"]
    for n in range(40):
        add_evidence(s1, world.targets[n % 3], 3, days_ago=n + 1)
    with django_assert_max_num_queries(30):
        result = student_erase(
            actor=user_of(world, "admin_d1"), student=s1, confirm_local_id=s1.local_id
        )
    assert result.evidence_voided == 42
