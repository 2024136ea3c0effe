"""Framework and target visibility: shared ones for everyone, private ones for their district."""

from __future__ import annotations

import pytest
from django.http import Http404

from masterypath.accounts.models import Role
from masterypath.continuum.access import (
    access_target_by_code,
    access_target_by_id,
    frameworks_visible_to,
    is_target_visible_in_district,
    targets_visible_to,
)
from masterypath.schools.access import district_id_of
from tests import factories as f
from tests.conftest import World


def _private_target(district_id: int, code: str = "HAB.1") -> object:
    framework = f.FrameworkFactory(district_id=district_id, title="Habits")
    competency = f.CompetencyFactory(domain=f.DomainFactory(framework=framework))
    return f.TargetFactory(competency=competency, code=code)


@pytest.mark.django_db
def test_district_of_each_kind_of_person(world: World) -> None:
    """Staff, students and guardians each belong to their district; an anonymous login none."""
    d1 = world.students["s1"].district_id
    assert district_id_of(world.staff["teacher_a"].user) == d1
    assert district_id_of(world.students["s1"].user) == d1
    assert district_id_of(world.guardians["g1"].user) == d1
    assert district_id_of(world.staff["admin_d2"].user) == world.students["s5"].district_id
    assert district_id_of(f.UserFactory(role=Role.INTEGRATION)) is None


@pytest.mark.django_db
def test_private_targets_stay_in_their_district(world: World) -> None:
    """District 2's target is invisible to district 1 for every role, and found by its own."""
    d2 = world.students["s5"].district_id
    private = _private_target(d2)
    for user in (
        world.staff["teacher_a"].user,
        world.staff["admin_d1"].user,
        world.students["s1"].user,
        world.guardians["g1"].user,
    ):
        assert not targets_visible_to(user).filter(pk=private.pk).exists()
        with pytest.raises(Http404):
            access_target_by_code(user, "HAB.1")
        with pytest.raises(Http404):
            access_target_by_id(user, private.pk)
    assert access_target_by_code(world.staff["admin_d2"].user, "HAB.1") == private
    assert not is_target_visible_in_district(private, world.students["s1"].district_id)
    assert is_target_visible_in_district(private, d2)


@pytest.mark.django_db
def test_shared_targets_are_visible_to_every_district(world: World) -> None:
    """A shared framework's target is usable from both districts."""
    shared = world.targets[0]
    assert access_target_by_code(world.staff["admin_d2"].user, shared.code) == shared
    assert access_target_by_id(world.staff["teacher_a"].user, shared.pk) == shared
    assert is_target_visible_in_district(shared, world.students["s5"].district_id)


@pytest.mark.django_db
def test_an_ambiguous_code_is_refused(world: World) -> None:
    """The same code in a shared and a private framework names no single target."""
    d1 = world.students["s1"].district_id
    _private_target(d1, code=world.targets[0].code)
    with pytest.raises(Http404, match="ambiguous"):
        access_target_by_code(world.staff["teacher_a"].user, world.targets[0].code)


@pytest.mark.django_db
def test_operator_sees_everything_and_a_personless_login_only_shared(world: World) -> None:
    """A superuser with no person sees every framework; another login without one, shared only."""
    private = _private_target(world.students["s5"].district_id)
    operator = f.UserFactory(is_superuser=True)
    assert frameworks_visible_to(operator).filter(pk=private.competency.domain.framework_id)
    nobody = f.UserFactory(role=Role.TEACHER)
    assert not targets_visible_to(nobody).filter(pk=private.pk).exists()
    assert targets_visible_to(nobody).filter(pk=world.targets[0].pk).exists()
