"""Writes of the continuum: scales, frameworks, domains, competencies, targets, links, rubrics.

Every write of a continuum model goes through these functions (the CASE importer, the demo
seed, the admin); a test in tests/architecture/ scans the tree for writes anywhere else. The
bulk functions take lists and write them in a few statements, so an import of thousands of
targets stays a handful of queries. They run inside the caller's transaction (an import is one
change) and leave the audit to the caller, which records one entry per import, not per row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import F, Q

from masterypath.continuum.models import (
    Competency,
    ContinuumRevision,
    Domain,
    Framework,
    LearningTarget,
    PerformanceLevel,
    PerformanceScale,
    Rubric,
    RubricCriterion,
    RubricDescriptor,
    TargetLink,
)
from masterypath.schools.models import District

BATCH = 500


# --- scales -----------------------------------------------------------------------------------


@transaction.atomic
def scale_create(
    *,
    district: District | None,
    name: str,
    levels: Sequence[PerformanceLevel],
    **fields: Any,
) -> PerformanceScale:
    """A scale with its levels (unsaved `PerformanceLevel`s: value, label, descriptor,
    is_proficient; the scale is set here)."""
    scale = PerformanceScale.objects.create(district=district, name=name, **fields)
    for level in levels:
        level.scale = scale
    PerformanceLevel.objects.bulk_create(levels)
    return scale


# --- frameworks, domains, competencies --------------------------------------------------------


def framework_create(
    *, district: District | None, scale: PerformanceScale, **fields: Any
) -> Framework:
    """A framework of `district` (None: shared by every district)."""
    return Framework.objects.create(district=district, scale=scale, **fields)


def domain_create(*, framework: Framework, **fields: Any) -> Domain:
    return Domain.objects.create(framework=framework, **fields)


def competency_create(*, domain: Domain, **fields: Any) -> Competency:
    return Competency.objects.create(domain=domain, **fields)


def competencies_create_many(*, competencies: list[Competency]) -> list[Competency]:
    """Save new competencies in bulk (their primary keys are set on every database we use)."""
    return Competency.objects.bulk_create(competencies, batch_size=BATCH)


def continuum_row_update(*, row: Framework | Domain | Competency, values: dict[str, Any]) -> bool:
    """Set `values` on a framework, domain or competency and save it when one differs;
    whether it changed."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    if changed:
        row.save()
    return changed


# --- targets ----------------------------------------------------------------------------------


def targets_create_many(*, targets: list[LearningTarget]) -> list[LearningTarget]:
    """Save new targets in bulk."""
    return LearningTarget.objects.bulk_create(targets, batch_size=BATCH)


@transaction.atomic
def targets_update_many(*, targets: list[LearningTarget], fields: Sequence[str]) -> int:
    """Save `fields` of changed targets in bulk. Codes may swap between targets of one
    competency (`code` is unique there), so an update of codes frees them first."""
    if not targets:
        return 0
    if "code" in fields:
        for target in targets:
            LearningTarget.objects.filter(pk=target.pk).update(code=f"~{target.pk}")
    return LearningTarget.objects.bulk_update(targets, list(fields), batch_size=BATCH)


def targets_retire(*, target_ids: Iterable[int]) -> int:
    """Mark targets retired (history stays, no new evidence is asked for); how many changed."""
    return LearningTarget.objects.filter(pk__in=list(target_ids), is_retired=False).update(
        is_retired=True
    )


def targets_restore(*, target_ids: Iterable[int]) -> int:
    """Bring retired targets back into use; how many changed."""
    return LearningTarget.objects.filter(pk__in=list(target_ids), is_retired=True).update(
        is_retired=False
    )


# --- links ------------------------------------------------------------------------------------


def target_links_create_many(*, links: list[TargetLink]) -> list[TargetLink]:
    """Save links in bulk; a link already there (same source, destination, kind) is kept."""
    return TargetLink.objects.bulk_create(links, ignore_conflicts=True, batch_size=BATCH)


def target_links_delete_for_district(*, district: District | None, case_uuids: set[str]) -> int:
    """Delete the links with these CASE identifiers that belong to `district`: those with an
    end on one of its frameworks' targets (None: those between shared frameworks). Two
    districts importing the same package hold links with the same identifiers; a re-import in
    one never touches the other's."""
    if not case_uuids:
        return 0
    ends = "competency__domain__framework__district"
    if district is None:
        owned = Q(**{f"source__{ends}__isnull": True, f"destination__{ends}__isnull": True})
    else:
        owned = Q(**{f"source__{ends}": district}) | Q(**{f"destination__{ends}": district})
    deleted, _by_model = TargetLink.objects.filter(owned, case_uuid__in=case_uuids).delete()
    return deleted


# --- rubrics ----------------------------------------------------------------------------------


@transaction.atomic
def rubric_replace(*, scale: PerformanceScale, case_uuid: str, title: str) -> Rubric:
    """The rubric of `scale` with CASE identifier `case_uuid`, emptied of its criteria (the
    caller adds them again from the package)."""
    rubric, _created = Rubric.objects.update_or_create(
        case_uuid=case_uuid, scale=scale, defaults={"title": title}
    )
    rubric.criteria.all().delete()
    return rubric


def rubric_criterion_add(
    *,
    rubric: Rubric,
    position: int,
    title: str,
    target: LearningTarget | None,
    descriptors: Sequence[tuple[PerformanceLevel, str]] = (),
) -> RubricCriterion:
    """A criterion of `rubric` (on `target`, which joins the rubric's targets) with one
    descriptor per level (the first text of a level wins)."""
    criterion = RubricCriterion.objects.create(
        rubric=rubric, position=position, target=target, title=title
    )
    if target is not None:
        rubric.targets.add(target)
    seen: set[int] = set()
    rows = []
    for level, text in descriptors:
        if level.pk not in seen:
            seen.add(level.pk)
            rows.append(RubricDescriptor(criterion=criterion, level=level, text=text))
    RubricDescriptor.objects.bulk_create(rows)
    return criterion


# --- the continuum's revision (caches of its layout) -----------------------------------------

REVISION_ID = 1

# Called in this process on every change: caches of the layout drop what they hold at once
# (the revision number tells other processes, which cannot hear this).
_listeners: list[Callable[[], None]] = []


def continuum_revision_listen(listener: Callable[[], None]) -> None:
    """Call `listener` in this process whenever the continuum changes (an upper app's cache)."""
    if listener not in _listeners:
        _listeners.append(listener)


def continuum_revision_bump() -> None:
    """Record that the continuum changed: raise the revision (inside the caller's transaction,
    so that it becomes visible with the change) and tell this process's listeners.

    Saves and deletes of continuum models call it through signals (continuum.signals); code
    that writes them in bulk (`bulk_create`, `bulk_update`, `QuerySet.update`) calls it itself.
    """
    if not ContinuumRevision.objects.filter(pk=REVISION_ID).update(number=F("number") + 1):
        ContinuumRevision.objects.get_or_create(pk=REVISION_ID, defaults={"number": 1})
    for listener in _listeners:
        listener()
