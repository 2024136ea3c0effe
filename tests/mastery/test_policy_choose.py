"""A district admin chooses a mastery method for the district or a framework."""

from __future__ import annotations

import pytest

from masterypath.common.models import AuditAction, AuditEntry
from masterypath.continuum.models import Framework
from masterypath.jobs.models import Job, JobStatus
from masterypath.mastery.errors import MasteryError, MasteryErrorCode
from masterypath.mastery.models import MasteryEstimate, MasteryPolicy
from masterypath.mastery.services import RECOMPUTE_JOB, mastery_policy_choose
from tests.conftest import World, user_of
from tests.factories import add_evidence

pytestmark = pytest.mark.django_db


def test_choosing_the_district_method_recomputes_every_estimate(world: World) -> None:
    student, target = world.students["s1"], world.targets[0]
    for days_ago, score in [(30, 1), (20, 4), (10, 2)]:
        add_evidence(student, target, score, days_ago=days_ago)
    district = world.staff["admin_d1"].district
    policy = mastery_policy_choose(
        actor=user_of(world, "admin_d1"), district=district, method="highest"
    )
    assert (policy.framework, policy.target, policy.method) == (None, None, "highest")
    job = Job.objects.get(kind=RECOMPUTE_JOB)
    assert job.status == JobStatus.SUCCEEDED, job.errors
    estimate = MasteryEstimate.objects.get(student=student, target=target)
    assert (estimate.method, estimate.value) == ("highest", 4.0)
    entry = AuditEntry.objects.get(subject_type="mastery.masterypolicy", subject_id=policy.pk)
    assert entry.action == AuditAction.CREATE
    assert entry.detail["method"] == "highest"


def test_choosing_again_updates_the_framework_policy_and_keeps_its_parameters(
    world: World,
) -> None:
    district = world.staff["admin_d1"].district
    framework = world.targets[0].competency.domain.framework
    existing = MasteryPolicy.objects.create(
        district=district,
        framework=framework,
        method="decaying_average",
        weight=0.8,
        min_evidence=2,
    )
    policy = mastery_policy_choose(
        actor=user_of(world, "admin_d1"),
        district=district,
        method="weighted_average",
        framework=framework,
    )
    assert policy.pk == existing.pk
    policy.refresh_from_db()
    assert (policy.method, policy.weight, policy.min_evidence) == ("weighted_average", 0.8, 2)
    assert MasteryPolicy.objects.filter(district=district).count() == 1
    entry = AuditEntry.objects.get(subject_type="mastery.masterypolicy", subject_id=policy.pk)
    assert (entry.action, entry.detail["was"]) == (AuditAction.UPDATE, "decaying_average")


@pytest.mark.parametrize("key", ["teacher_a", "principal_a", "counselor_a", "admin_d2", "s1"])
def test_only_the_district_admins_choose(world: World, key: str) -> None:
    with pytest.raises(MasteryError) as refused:
        mastery_policy_choose(
            actor=user_of(world, key), district=world.staff["admin_d1"].district, method="mean"
        )
    assert refused.value.code == MasteryErrorCode.NOT_ALLOWED
    assert not MasteryPolicy.objects.exists()
    assert not Job.objects.exists()


def test_unknown_methods_and_other_districts_frameworks_are_refused(world: World) -> None:
    district = world.staff["admin_d1"].district
    admin = user_of(world, "admin_d1")
    with pytest.raises(MasteryError) as unknown:
        mastery_policy_choose(actor=admin, district=district, method="vibes")
    assert unknown.value.code == MasteryErrorCode.UNKNOWN_METHOD
    theirs = Framework.objects.create(
        title="Theirs",
        district=world.staff["admin_d2"].district,
        scale=world.targets[0].competency.domain.framework.scale,
    )
    with pytest.raises(MasteryError) as foreign:
        mastery_policy_choose(actor=admin, district=district, method="mean", framework=theirs)
    assert foreign.value.code == MasteryErrorCode.NOT_ALLOWED
    assert not MasteryPolicy.objects.exists()
