"""The continuum's writes: bulk target updates, district-scoped link deletion, scales."""

from __future__ import annotations

from decimal import Decimal

import pytest

from masterypath.continuum.models import LearningTarget, PerformanceLevel, TargetLink
from masterypath.continuum.services import (
    scale_create,
    target_links_delete_for_district,
    targets_restore,
    targets_retire,
    targets_update_many,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_targets_update_many_lets_two_targets_swap_codes() -> None:
    """Codes are unique in a competency; a swap between two of its targets saves."""
    competency = f.CompetencyFactory()
    one = f.TargetFactory(competency=competency, code="A")
    two = f.TargetFactory(competency=competency, code="B")
    one.code, two.code = "B", "A"
    assert targets_update_many(targets=[one, two], fields=["code"]) == 2
    assert LearningTarget.objects.get(pk=one.pk).code == "B"
    assert LearningTarget.objects.get(pk=two.pk).code == "A"


def test_retire_and_restore_count_only_the_targets_that_change() -> None:
    target, other = f.TargetFactory(), f.TargetFactory(is_retired=True)
    assert targets_retire(target_ids=[target.pk, other.pk]) == 1
    assert targets_restore(target_ids=[target.pk, other.pk]) == 2
    assert not LearningTarget.objects.filter(is_retired=True).exists()


def _linked(district: object) -> TargetLink:
    competency = f.CompetencyFactory(domain__framework__district=district)
    return TargetLink.objects.create(
        source=f.TargetFactory(competency=competency),
        destination=f.TargetFactory(competency=competency),
        kind=TargetLink.Kind.PRECEDES,
        case_uuid="same-id",
    )


def test_link_deletion_touches_only_the_named_districts_links() -> None:
    """Three copies of one CASE link (two districts, one shared framework): deleting one
    district's leaves the other two."""
    north, south = f.DistrictFactory(), f.DistrictFactory()
    north_link, south_link, shared_link = _linked(north), _linked(south), _linked(None)
    assert target_links_delete_for_district(district=north, case_uuids={"same-id"}) == 1
    assert set(TargetLink.objects.values_list("pk", flat=True)) == {south_link.pk, shared_link.pk}
    assert target_links_delete_for_district(district=None, case_uuids={"same-id"}) == 1
    assert set(TargetLink.objects.values_list("pk", flat=True)) == {south_link.pk}
    assert not TargetLink.objects.filter(pk=north_link.pk).exists()


def test_scale_create_saves_its_levels() -> None:
    scale = scale_create(
        district=None,
        name="Two steps",
        levels=[
            PerformanceLevel(value=Decimal(1), label="Not yet"),
            PerformanceLevel(value=Decimal(2), label="Yes", is_proficient=True),
        ],
    )
    assert list(scale.levels.order_by("value").values_list("label", "is_proficient")) == [
        ("Not yet", False),
        ("Yes", True),
    ]
