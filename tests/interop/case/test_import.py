"""CASE packages become frameworks: strict and lenient modes, updates in place, crosswalks."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from masterypath.continuum.models import Framework, LearningTarget, TargetLink
from masterypath.interop.case.errors import CaseImportError
from masterypath.interop.case.exporter import case_framework_export
from masterypath.interop.case.parser import stable_uuid
from masterypath.interop.case.services import case_packages_import, case_packages_read
from masterypath.interop.case.validator import schema_problems
from tests import factories as f
from tests.interop.conftest import CASE_DATA

pytestmark = pytest.mark.django_db

MATH_DRAFT = "opensalt/ccss-math-asn-cfpackage-draft2016.json"
RP6 = "opensalt/what-standards-could-be-ccss-6RP.json"
SBAC2 = (
    "sbac-case-v1p0/"
    "sbac-pkg2-english-language-arts-specification-grade-3-claim-2-targets-1a-and-1b.json"
)
ELA_CSV = "opensalt/ccsso_ela_item.csv"


def _source(name: str) -> tuple[str, bytes]:
    path = CASE_DATA / name
    return path.name, path.read_bytes()


def _import(name: str, *, strict: bool = True, district: Any = None) -> Any:
    packages = case_packages_read(sources=[_source(name)], strict=strict)
    return case_packages_import(packages=packages, district=district)[0]


def snapshot(framework: Framework) -> dict[str, Any]:
    """What a framework holds, without database ids."""
    targets = LearningTarget.objects.filter(competency__domain__framework=framework)
    return {
        "title": framework.title,
        "domains": sorted((d.code, d.title) for d in framework.domains.all()),
        "competencies": sorted(
            (c.domain.code, c.code, c.title)
            for d in framework.domains.all()
            for c in d.competencies.all()
        ),
        "targets": sorted(
            (
                t.case_uuid,
                t.code,
                t.statement,
                t.level,
                t.level_high,
                t.is_retired,
                t.parent.case_uuid if t.parent else "",
                t.competency.code,
            )
            for t in targets.select_related("parent", "competency")
        ),
        "links": sorted(
            (link.source.case_uuid, link.kind, link.destination.case_uuid)
            for link in TargetLink.objects.filter(source__in=targets).select_related(
                "source", "destination"
            )
        ),
    }


@pytest.mark.parametrize(
    "name",
    [
        "opensalt/Ordering.json",
        "opensalt/SmartLevelFramework.json",
        "opensalt/test_framework_case_v1p0_api.json",
        "sbac-case-v1p0/sbac-item-type-response-type.json",
        SBAC2,
        "sbac-case-v1p0/sbac-pkg5-english-language-arts-specification-grade-5-claim-1-target-6.json",
        "sbac-case-v1p0/sbac-webb-dok-levels.json",
    ],
)
def test_valid_case_1_0_packages_import_in_strict_mode(name: str) -> None:
    """Packages that pass the CASE 1.0 schema import strictly, with a target per leaf."""
    result = _import(name)
    framework = Framework.objects.get(pk=result.framework_id)
    assert (
        framework.case_uuid
        == json.loads((CASE_DATA / name).read_text())["CFDocument"]["identifier"]
    )
    assert result.targets > 0
    assert framework.scale.levels.count() == 4


def test_sbac_claim_target_and_measured_skills_map_onto_the_continuum() -> None:
    """A Smarter Balanced Target becomes a target at grade 3, its measured skills child
    targets; item-specification text (stems, task models) is kept but is not a target."""
    result = _import(SBAC2)
    targets = LearningTarget.objects.filter(competency__domain__framework_id=result.framework_id)
    assert {t.level for t in targets} == {3}
    assert targets.filter(parent__isnull=False).count() >= 8
    assert result.kept_only > 30
    codes = set(targets.values_list("code", flat=True))
    assert {"E.G3.C2WN.T1a", "E.G3.C2WN.T1b"} <= codes


def test_duplicate_item_in_sbac_package_is_refused_strictly_and_repaired_leniently() -> None:
    name = (
        "sbac-case-v1p0/sbac-pkg1-english-language-arts-specification-grade-3-claim-1-target-1.json"
    )
    with pytest.raises(CaseImportError) as caught:
        _import(name)
    assert "appears twice" in caught.value.problems[0].message
    assert caught.value.problems[0].path.startswith("$.CFItems[")
    assert Framework.objects.count() == 0
    result = _import(name, strict=False)
    assert any("appears twice" in w.message for w in result.warnings)


def test_strict_mode_reports_every_schema_violation_with_its_json_path() -> None:
    """The 2016 draft fails the CASE 1.0 schema; each problem names its JSON path and nothing
    is written."""
    with pytest.raises(CaseImportError) as caught:
        _import(MATH_DRAFT)
    problems = caught.value.problems
    assert len(problems) > 700
    assert all(p.path.startswith("$") and p.file.endswith(".json") for p in problems)
    assert any(p.path == "$.CFItems[0].identifier" for p in problems)
    assert Framework.objects.count() == 0


def test_lenient_mode_imports_the_ccss_math_draft_and_reports_its_guesses() -> None:
    result = _import(MATH_DRAFT, strict=False)
    messages = " ".join(w.message for w in result.warnings)
    assert "educationalLevel used for educationLevel" in messages
    assert "is not a UUID" in messages
    targets = LearningTarget.objects.filter(competency__domain__framework_id=result.framework_id)
    assert targets.count() == 517  # 393 standards + 124 components
    component = targets.get(code="CCSS.Math.Content.3.NF.A.3a")
    assert component.parent is not None
    assert component.parent.code == "CCSS.Math.Content.3.NF.A.3"
    assert component.level == 3
    assert targets.get(code="CCSS.Math.Content.K.CC.A.1").level == 0
    assert (
        component.case_uuid == stable_uuid("http://asn.jesandco.org/resources/S114344A")
        or len(component.case_uuid) == 36
    )


def test_reimporting_the_same_package_changes_nothing() -> None:
    first = _import(SBAC2)
    framework = Framework.objects.get(pk=first.framework_id)
    before = snapshot(framework)
    again = _import(SBAC2)
    assert again.framework_id == first.framework_id
    assert (again.created, again.updated) == (0, 0)
    assert snapshot(framework) == before
    assert Framework.objects.count() == 1


def test_newer_version_updates_in_place_and_replaced_by_retires() -> None:
    path = CASE_DATA / RP6
    raw = json.loads(path.read_text())
    first = case_packages_import(
        packages=case_packages_read(sources=[("v1.json", json.dumps(raw).encode())], strict=False),
        district=None,
    )[0]
    newer = copy.deepcopy(raw)
    item = next(
        i for i in newer["CFItems"] if i.get("humanCodingScheme") == "CCSS.Math.Content.6.RP.A.1"
    )
    item["fullStatement"] = "Understand ratios (revised)."
    old_target = next(
        i for i in newer["CFItems"] if i.get("humanCodingScheme") == "CCSS.Math.Content.6.RP.A.2"
    )
    newer["CFAssociations"].append(
        {
            "identifier": "0b7e7d8e-1111-4222-8333-944455556666",
            "associationType": "replacedBy",
            "originNodeURI": {"identifier": old_target["identifier"], "uri": "x", "title": "old"},
            "destinationNodeURI": {"identifier": item["identifier"], "uri": "y", "title": "new"},
        }
    )
    second = case_packages_import(
        packages=case_packages_read(
            sources=[("v2.json", json.dumps(newer).encode())], strict=False
        ),
        district=None,
    )[0]
    assert second.framework_id == first.framework_id
    assert second.created == 0
    assert second.updated == 1
    assert second.retired == 1
    revised = LearningTarget.objects.get(case_uuid=item["identifier"])
    assert revised.statement == "Understand ratios (revised)."
    assert LearningTarget.objects.get(case_uuid=old_target["identifier"]).is_retired


def test_exact_match_crosswalks_resolve_between_frameworks() -> None:
    """The 6.RP export names CCSS items by their ASN-derived UUIDs; once both frameworks are in,
    exactMatchOf links join them, whichever arrives first."""
    rp = _import(RP6, strict=False)
    math = _import(MATH_DRAFT, strict=False)
    links = TargetLink.objects.filter(kind=TargetLink.Kind.EXACT_MATCH)
    assert links.count() >= 10
    link = links.select_related("source__competency__domain", "destination__competency__domain")[0]
    assert link.source.competency.domain.framework_id == rp.framework_id
    assert link.destination.competency.domain.framework_id == math.framework_id
    assert TargetLink.objects.filter(kind=TargetLink.Kind.PRECEDES).exists()


def test_ccss_ela_spreadsheet_csv_imports_with_its_hierarchy() -> None:
    result = _import(ELA_CSV, strict=True)
    targets = LearningTarget.objects.filter(competency__domain__framework_id=result.framework_id)
    assert targets.count() == 901
    target = targets.get(code="L.1.4")
    assert target.level == 1
    assert targets.get(code="CCRA.R.1").level_high == 12


def test_export_is_valid_case_1_1_and_reimports_as_the_same_framework() -> None:
    district = f.DistrictFactory()
    other = f.DistrictFactory()
    result = _import(MATH_DRAFT, strict=False, district=district)
    framework = Framework.objects.get(pk=result.framework_id)
    package = case_framework_export(framework=framework)
    assert schema_problems("export.json", package, version="1.1") == []
    again = case_packages_import(
        packages=case_packages_read(
            sources=[("export.json", json.dumps(package).encode())], strict=True
        ),
        district=other,
    )[0]
    copy_framework = Framework.objects.get(pk=again.framework_id)
    assert copy_framework.pk != framework.pk
    assert snapshot(copy_framework)["targets"] == snapshot(framework)["targets"]
    assert snapshot(copy_framework)["domains"] == snapshot(framework)["domains"]
    assert snapshot(copy_framework)["competencies"] == snapshot(framework)["competencies"]


def test_framework_authored_here_exports_and_round_trips(world: Any) -> None:
    """A framework with no CASE origin gets stable identifiers and comes back the same."""
    framework = world.targets[0].competency.domain.framework
    package = case_framework_export(framework=framework)
    assert schema_problems("x", package, version="1.1") == []
    assert case_framework_export(framework=framework)["CFItems"] == package["CFItems"]
    again = case_packages_import(
        packages=case_packages_read(
            sources=[("x.json", json.dumps(package).encode())], strict=True
        ),
        district=f.DistrictFactory(),
    )[0]
    copied = LearningTarget.objects.filter(competency__domain__framework_id=again.framework_id)
    assert sorted(copied.values_list("code", "level")) == [
        ("4.NF.1", 4),
        ("4.NF.2", 4),
        ("4.NF.3", 4),
    ]


def test_rubrics_in_a_package_define_the_scale_and_descriptors() -> None:
    doc = "11111111-2222-4333-8444-555555555555"
    item = "11111111-2222-4333-8444-666666666666"
    package = {
        "CFDocument": {
            "identifier": doc,
            "uri": f"urn:uuid:{doc}",
            "creator": "Test",
            "title": "Rubric framework",
            "lastChangeDateTime": "2024-01-01T00:00:00Z",
        },
        "CFItems": [
            {
                "identifier": item,
                "uri": f"urn:uuid:{item}",
                "fullStatement": "Argue.",
                "humanCodingScheme": "ARG.1",
                "educationLevel": ["05"],
                "lastChangeDateTime": "2024-01-01T00:00:00Z",
            }
        ],
        "CFRubrics": [
            {
                "identifier": "11111111-2222-4333-8444-777777777777",
                "uri": "urn:x",
                "title": "Argument rubric",
                "lastChangeDateTime": "2024-01-01T00:00:00Z",
                "CFRubricCriteria": [
                    {
                        "identifier": "11111111-2222-4333-8444-888888888888",
                        "uri": "urn:y",
                        "description": "Claim",
                        "CFItemURI": {"identifier": item, "uri": "u", "title": "t"},
                        "lastChangeDateTime": "2024-01-01T00:00:00Z",
                        "CFRubricCriterionLevels": [
                            {
                                "identifier": f"11111111-2222-4333-8444-99999999999{n}",
                                "uri": "urn:z",
                                "score": n,
                                "quality": label,
                                "description": f"{label} claim",
                                "lastChangeDateTime": "2024-01-01T00:00:00Z",
                            }
                            for n, label in [(0, "Missing"), (1, "Partial"), (2, "Full")]
                        ],
                    }
                ],
            }
        ],
    }
    result = case_packages_import(
        packages=case_packages_read(
            sources=[("r.json", json.dumps(package).encode())], strict=False
        ),
        district=None,
    )[0]
    framework = Framework.objects.get(pk=result.framework_id)
    assert [level.value for level in framework.scale.levels.all()] == [
        Decimal("0"),
        Decimal("1"),
        Decimal("2"),
    ]
    assert framework.scale.proficient_value == Decimal("2")
    rubric = framework.scale.rubrics.get()
    assert rubric.targets.get().code == "ARG.1"
    assert rubric.criteria.get().descriptors.count() == 3


def test_import_case_command_imports_a_folder_and_reports_failures(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_bytes((CASE_DATA / SBAC2).read_bytes())
    call_command("import-case", str(tmp_path))
    assert Framework.objects.count() == 1
    bad = tmp_path / "bad.json"
    bad.write_text('{"CFDocument": ')
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import-case", str(bad))
    call_command("import-case", str(CASE_DATA / MATH_DRAFT), "--lenient")
    assert Framework.objects.count() == 2


def test_cycle_in_hierarchy_is_a_clear_error() -> None:
    a, b = "aaaaaaaa-0000-4000-8000-000000000001", "aaaaaaaa-0000-4000-8000-000000000002"
    package = {
        "CFDocument": {
            "identifier": "aaaaaaaa-0000-4000-8000-000000000000",
            "uri": "u",
            "creator": "c",
            "title": "Cycle",
            "lastChangeDateTime": "2024-01-01T00:00:00Z",
        },
        "CFItems": [
            {
                "identifier": x,
                "uri": "u",
                "fullStatement": x,
                "lastChangeDateTime": "2024-01-01T00:00:00Z",
            }
            for x in (a, b)
        ],
        "CFAssociations": [
            {
                "identifier": f"bbbbbbbb-0000-4000-8000-00000000000{n}",
                "uri": "u",
                "associationType": "isChildOf",
                "lastChangeDateTime": "2024-01-01T00:00:00Z",
                "originNodeURI": {"identifier": o, "uri": "u", "title": "t"},
                "destinationNodeURI": {"identifier": d, "uri": "u", "title": "t"},
            }
            for n, (o, d) in enumerate([(a, b), (b, a)])
        ],
    }
    packages = case_packages_read(sources=[("c.json", json.dumps(package).encode())], strict=False)
    with pytest.raises(CaseImportError, match="problem"):
        case_packages_import(packages=packages, district=None)
    assert Framework.objects.count() == 0
