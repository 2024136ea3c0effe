"""Two districts import the same CASE package: each holds its own framework, targets and
links (`precedes`, ...), and a re-import in one never deletes, adds or rewrites the other's."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from masterypath.continuum.models import LearningTarget, TargetLink
from masterypath.interop.case.services import case_packages_import, case_packages_read
from masterypath.schools.models import District
from tests import factories as f

pytestmark = pytest.mark.django_db

DOC = "22222222-3333-4444-8555-000000000000"
ITEMS = [f"22222222-3333-4444-8555-00000000000{n}" for n in range(1, 4)]
LINKS = [f"22222222-3333-4444-8555-0000000000a{n}" for n in range(1, 3)]


def _package(*, links: int = 2) -> dict[str, Any]:
    """Three grade-5 targets; the first `links` of `1 precedes 2`, `2 precedes 3`."""
    stamp = "2024-01-01T00:00:00Z"
    return {
        "CFDocument": {
            "identifier": DOC,
            "uri": f"urn:uuid:{DOC}",
            "creator": "Test",
            "title": "Shared fractions",
            "lastChangeDateTime": stamp,
        },
        "CFItems": [
            {
                "identifier": item,
                "uri": f"urn:uuid:{item}",
                "fullStatement": f"Fractions step {n}.",
                "humanCodingScheme": f"FR.{n}",
                "educationLevel": ["05"],
                "lastChangeDateTime": stamp,
            }
            for n, item in enumerate(ITEMS, start=1)
        ],
        "CFAssociations": [
            {
                "identifier": LINKS[n],
                "associationType": "precedes",
                "originNodeURI": {"identifier": ITEMS[n], "uri": "o", "title": "o"},
                "destinationNodeURI": {"identifier": ITEMS[n + 1], "uri": "d", "title": "d"},
                "lastChangeDateTime": stamp,
            }
            for n in range(links)
        ],
    }


def _import(raw: dict[str, Any], district: District) -> None:
    packages = case_packages_read(
        sources=[("fractions.json", json.dumps(raw).encode())], strict=False
    )
    case_packages_import(packages=packages, district=district)


def _links(district: District) -> list[tuple[str, str, str, str]]:
    """The district's links as (source, kind, destination, CASE id), by CASE identifiers."""
    return sorted(
        (link.source.case_uuid, link.kind, link.destination.case_uuid, link.case_uuid)
        for link in TargetLink.objects.filter(
            source__competency__domain__framework__district=district
        ).select_related("source", "destination")
    )


@pytest.fixture
def districts() -> tuple[District, District]:
    return f.DistrictFactory(name="North"), f.DistrictFactory(name="South")


def test_each_district_gets_its_own_links(districts: tuple[District, District]) -> None:
    """The same package imported twice makes two sets of links, one per district."""
    north, south = districts
    _import(_package(), north)
    _import(_package(), south)
    expected = [
        (ITEMS[0], "precedes", ITEMS[1], LINKS[0]),
        (ITEMS[1], "precedes", ITEMS[2], LINKS[1]),
    ]
    assert _links(north) == expected
    assert _links(south) == expected
    # no link joins one district's target to the other's
    assert TargetLink.objects.count() == 4


def test_a_reimport_that_drops_a_link_keeps_the_other_districts(
    districts: tuple[District, District],
) -> None:
    """North drops `2 precedes 3`: North loses it, South keeps both of its links."""
    north, south = districts
    _import(_package(), north)
    _import(_package(), south)
    before = _links(south)

    _import(_package(links=1), north)

    assert [link[3] for link in _links(north)] == [LINKS[0]]
    assert _links(south) == before


def test_a_reimport_does_not_copy_another_districts_links(
    districts: tuple[District, District],
) -> None:
    """South's package links its targets; North imports the same items with no links and
    gets none of South's (they are South's curriculum, not North's)."""
    north, south = districts
    _import(_package(), south)
    _import(_package(links=0), north)
    assert _links(north) == []
    south_links = _links(south)
    _import(_package(links=0), north)  # and again, once South's are there
    assert _links(north) == []
    assert _links(south) == south_links


def test_a_reimport_in_one_district_leaves_the_other_framework_untouched(
    districts: tuple[District, District],
) -> None:
    """A revised statement in North's copy changes North's target only."""
    north, south = districts
    _import(_package(), north)
    _import(_package(), south)
    revised = copy.deepcopy(_package())
    revised["CFItems"][0]["fullStatement"] = "Fractions step 1, revised."
    _import(revised, north)
    statements = {
        district.name: sorted(
            district_target.statement
            for district_target in LearningTarget.objects.filter(
                competency__domain__framework__district=district
            )
        )
        for district in (north, south)
    }
    assert "Fractions step 1, revised." in statements["North"]
    assert "Fractions step 1, revised." not in statements["South"]
