"""Import a CASE package as a framework, updating in place by CASE identifier.

One package is applied in one transaction: either the whole framework changes or nothing does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q

from masterypath.accounts.actors import Actor, SystemActor
from masterypath.common.audit import audit_record
from masterypath.common.models import AuditAction
from masterypath.continuum.models import (
    Competency,
    Domain,
    Framework,
    LearningTarget,
    PerformanceLevel,
    PerformanceScale,
    TargetLink,
)
from masterypath.continuum.services import (
    competency_create,
    continuum_revision_bump,
    continuum_row_update,
    domain_create,
    framework_create,
    rubric_criterion_add,
    rubric_replace,
    scale_create,
    target_links_create_many,
    target_links_delete_for_district,
    targets_create_many,
    targets_restore,
    targets_retire,
    targets_update_many,
)
from masterypath.interop.case.errors import CaseErrorCode, CaseImportError, Problem
from masterypath.interop.case.mapping import (
    grade_values,
    short_code,
    type_kind,
    unique_code,
)
from masterypath.interop.case.models import CaseAssociation, CaseDocument, CaseItem, ItemRole
from masterypath.interop.case.parser import CasePackage, is_uuid, stable_uuid
from masterypath.schools.models import District

Report = Callable[..., None]
LINK_KINDS = {
    "precedes": TargetLink.Kind.PRECEDES,
    "exactMatchOf": TargetLink.Kind.EXACT_MATCH,
    "isRelatedTo": TargetLink.Kind.RELATED,
}
DEFAULT_SCALE_NAME = "Default 1-4"
DEFAULT_LEVELS = [
    (Decimal(1), "Beginning", False),
    (Decimal(2), "Developing", False),
    (Decimal(3), "Proficient", True),
    (Decimal(4), "Advanced", True),
]
GENERAL_CODE = "GEN"


@dataclass
class CaseImportResult:
    framework_id: int
    title: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    domains: int = 0
    competencies: int = 0
    targets: int = 0
    links: int = 0
    kept_only: int = 0
    warnings: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "framework_id": self.framework_id,
            "title": self.title,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "retired": self.retired,
            "domains": self.domains,
            "competencies": self.competencies,
            "targets": self.targets,
            "links": self.links,
            "kept_only": self.kept_only,
        }


def _noop(*_args: Any, **_kwargs: Any) -> None:
    return None


def scale_default_for(*, district: District | None) -> PerformanceScale:
    """The district's default 1-4 scale (created once), used by imported frameworks."""
    scale = (
        PerformanceScale.objects.filter(district=district, name=DEFAULT_SCALE_NAME)
        .order_by("id")
        .first()
    )
    if scale is None:
        scale = scale_create(
            district=district,
            name=DEFAULT_SCALE_NAME,
            levels=[
                PerformanceLevel(value=value, label=label, is_proficient=proficient)
                for value, label, proficient in DEFAULT_LEVELS
            ],
        )
    return scale


# --- the plan: what each item becomes --------------------------------------------------------


@dataclass
class _Node:
    identifier: str
    index: int
    parent: str = ""
    children: list[str] = field(default_factory=list)
    role: str = ""
    target_parent: str = ""
    domain: str = ""
    competency: str = ""
    grades: list[int] = field(default_factory=list)


def _plan(package: CasePackage, warnings: list[Problem]) -> dict[str, _Node]:
    items = {item.identifier: item for item in package.items}
    nodes = {
        item.identifier: _Node(item.identifier, index) for index, item in enumerate(package.items)
    }
    order: dict[str, tuple[int, int]] = {}
    for number, association in enumerate(package.associations):
        if association.association_type != "isChildOf" or association.origin not in nodes:
            continue
        node = nodes[association.origin]
        parent = association.destination
        if node.parent:
            warnings.append(
                Problem(
                    package.source,
                    f"CFAssociations (isChildOf {node.identifier})",
                    "item has more than one parent; the first one is used",
                )
            )
            continue
        if parent != package.identifier and parent not in nodes:
            warnings.append(
                Problem(
                    package.source,
                    f"CFAssociations (isChildOf {node.identifier})",
                    f"parent {parent} is not in the package; placed at the top",
                )
            )
            continue
        if parent == node.identifier:
            continue
        node.parent = "" if parent == package.identifier else parent
        sequence = association.sequence if association.sequence is not None else 10**9
        order[node.identifier] = (sequence, number)
    for node in nodes.values():
        if node.parent:
            nodes[node.parent].children.append(node.identifier)
    for node in nodes.values():
        node.children.sort(key=lambda child: order.get(child, (10**9, nodes[child].index)))
    roots = sorted(
        (n for n in nodes.values() if not n.parent),
        key=lambda n: order.get(n.identifier, (10**9, n.index)),
    )
    reached: set[str] = set()

    def visit(
        node: _Node, groupings: list[str], target_parent: str, support: bool, inherited: list[int]
    ) -> None:
        reached.add(node.identifier)
        item = items[node.identifier]
        grades, unknown = grade_values(item.education_levels)
        if unknown:
            warnings.append(
                Problem(
                    package.source,
                    f"CFItems ({item.identifier}).educationLevel",
                    f"grade value(s) {', '.join(unknown)} not understood",
                )
            )
        node.grades = grades or inherited
        kind = type_kind(item.item_type)
        if support or kind == "support":
            node.role = ItemRole.SUPPORT
        elif target_parent or kind == "target" or (kind is None and not node.children):
            node.role = ItemRole.TARGET
            node.target_parent = target_parent
        else:
            node.role = ItemRole.DOMAIN if not groupings else ItemRole.GROUPING
        for child in node.children:
            if child in reached:
                continue
            if node.role == ItemRole.TARGET:
                visit(nodes[child], groupings, node.identifier, False, node.grades)
            elif node.role == ItemRole.SUPPORT:
                visit(nodes[child], groupings, "", True, node.grades)
            else:
                visit(nodes[child], [*groupings, node.identifier], "", False, node.grades)

    for root in roots:
        visit(root, [], "", False, [])
    cycle = [n for n in nodes if n not in reached]
    if cycle:
        raise CaseImportError(
            CaseErrorCode.INVALID,
            [
                Problem(
                    package.source,
                    "CFAssociations",
                    f"isChildOf associations form a cycle through {len(cycle)} item(s), "
                    f"e.g. {cycle[0]}",
                )
            ],
        )
    # Competencies are the groupings that directly hold targets; a top-level one is both.
    for node in nodes.values():
        if node.role != ItemRole.TARGET or node.target_parent:
            continue
        chain = []
        up = node.parent
        while up:
            chain.append(up)
            up = nodes[up].parent
        if not chain:
            node.domain = node.competency = ""
            continue
        node.domain, node.competency = chain[-1], chain[0]
        holder = nodes[chain[0]]
        if holder.role == ItemRole.DOMAIN:
            holder.role = ItemRole.DOMAIN_COMPETENCY
        elif holder.role == ItemRole.GROUPING:
            holder.role = ItemRole.COMPETENCY
    for node in nodes.values():
        if node.role == ItemRole.TARGET and node.target_parent:
            top = nodes[node.target_parent]
            while top.target_parent:
                top = nodes[top.target_parent]
            node.domain, node.competency = top.domain, top.competency
    # Competencies under a domain-less grouping chain still need their domain.
    for node in nodes.values():
        if node.role == ItemRole.COMPETENCY:
            up = node.parent
            domain_id = node.identifier
            while up:
                domain_id = up
                up = nodes[up].parent
            node.domain = domain_id
    return nodes


# --- applying the plan ----------------------------------------------------------------------


@transaction.atomic
def case_package_import(
    *,
    package: CasePackage,
    district: District | None,
    actor: Actor | SystemActor | None = None,
    report: Report = _noop,
) -> CaseImportResult:
    """Create or update the framework of `package` (by CASE identifier) in `district`."""
    warnings = list(package.warnings)
    nodes = _plan(package, warnings)
    items = {item.identifier: item for item in package.items}
    total = len(package.items) + len(package.associations)
    report(0, total, f"Importing {package.title}")

    document = (
        CaseDocument.objects.select_related("framework")
        .filter(identifier=package.identifier, framework__district=district)
        .first()
    )
    framework = (
        document.framework
        if document
        else Framework.objects.filter(district=district, case_uuid=package.identifier).first()
    )
    result = CaseImportResult(framework_id=0, title=package.title, warnings=warnings)
    framework_fields = {
        "title": package.title[:255],
        "version": package.doc_version[:60],
        "publisher": (package.publisher or package.creator)[:255],
        "subject": package.subject[:120],
        "case_uuid": package.identifier,
        "case_uri": package.uri[:500],
    }
    if framework is None:
        scale = _scale_from_rubrics(package, district) or scale_default_for(district=district)
        framework = framework_create(
            district=district,
            scale=scale,
            source_note=f"Imported from CASE ({package.source})",
            **framework_fields,
        )
        result.created += 1
    elif continuum_row_update(row=framework, values=framework_fields):
        result.updated += 1
    if document is None:
        document = CaseDocument(framework=framework, identifier=package.identifier)
    document.uri = package.uri[:500]
    document.case_version = package.version
    document.last_change = package.last_change[:40]
    document.source = package.source[-500:]
    document.raw = {k: v for k, v in package.document.items() if not k.startswith("_")}
    document.definitions = package.definitions
    document.rubrics = package.rubrics
    document.save()
    result.framework_id = framework.pk

    domains = _apply_domains(package, framework, nodes, items, result)
    competencies = _apply_competencies(package, domains, nodes, items, result)
    report(len(domains) + len(competencies), total, "Domains and competencies saved")
    targets = _apply_targets(package, framework, competencies, nodes, items, result)
    report(len(package.items), total, "Targets saved")
    _store_case_rows(document, package, nodes, items, domains, competencies, targets)
    result.links, result.retired = _apply_associations(document, package, targets, district)
    _apply_rubrics(package, framework, targets)
    report(total, total, "Associations saved")
    result.domains = len({d.pk for d in domains.values()})
    result.competencies = len({c.pk for c in competencies.values()})
    result.targets = len(targets)
    result.kept_only = sum(
        1 for n in nodes.values() if n.role in {ItemRole.GROUPING, ItemRole.SUPPORT}
    )
    audit_record(
        actor=actor,
        action=AuditAction.IMPORT,
        subject=framework,
        detail={"format": "case", "source": package.source[-200:], **result.as_dict()},
    )
    continuum_revision_bump()  # targets were written in bulk, which no signal reports
    return result


def _changed(obj: Any, values: dict[str, Any]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _title(text: str) -> str:
    return text if len(text) <= 255 else text[:254] + "…"


def _apply_domains(
    package: CasePackage,
    framework: Framework,
    nodes: dict[str, _Node],
    items: dict[str, Any],
    result: CaseImportResult,
) -> dict[str, Domain]:
    wanted = [n for n in nodes.values() if n.role in {ItemRole.DOMAIN, ItemRole.DOMAIN_COMPETENCY}]
    needs_general = any(n.role == ItemRole.TARGET and not n.domain for n in nodes.values())
    existing = {d.case_uuid: d for d in Domain.objects.filter(framework=framework)}
    taken = {
        d.code for key, d in existing.items() if key not in nodes and key != package.identifier
    }
    out: dict[str, Domain] = {}
    rows: list[tuple[str, str, str]] = []
    if needs_general:
        rows.append((package.identifier, GENERAL_CODE, package.title))
    rows.extend(
        (
            n.identifier,
            items[n.identifier].human_coding or short_code(n.identifier),
            items[n.identifier].full_statement,
        )
        for n in wanted
    )
    for position, (key, code, statement) in enumerate(rows):
        values = {
            "code": unique_code(code, taken, 60),
            "title": _title(statement),
            "position": position,
            "case_uuid": key,
        }
        current = existing.get(key)
        if current is None:
            result.created += 1
            out[key] = domain_create(framework=framework, **values)
        else:
            _count_update(result, continuum_row_update(row=current, values=values))
            out[key] = current
    return out


def _count_update(result: CaseImportResult, changed: bool) -> None:
    if changed:
        result.updated += 1
    else:
        result.unchanged += 1


def _apply_competencies(
    package: CasePackage,
    domains: dict[str, Domain],
    nodes: dict[str, _Node],
    items: dict[str, Any],
    result: CaseImportResult,
) -> dict[str, Competency]:
    existing = {
        (c.domain_id, c.case_uuid): c
        for c in Competency.objects.filter(domain__in=list(domains.values()))
    }
    taken: dict[int, set[str]] = defaultdict(set)
    out: dict[str, Competency] = {}
    wanted: list[tuple[str, Domain, str, str]] = []
    if package.identifier in domains:
        general = domains[package.identifier]
        wanted.append((package.identifier, general, GENERAL_CODE, package.title))
    for node in nodes.values():
        if node.role == ItemRole.DOMAIN_COMPETENCY:
            item = items[node.identifier]
            wanted.append(
                (
                    node.identifier,
                    domains[node.identifier],
                    item.human_coding or short_code(node.identifier),
                    item.full_statement,
                )
            )
        elif node.role == ItemRole.COMPETENCY:
            item = items[node.identifier]
            wanted.append(
                (
                    node.identifier,
                    domains[node.domain],
                    item.human_coding or short_code(node.identifier),
                    item.full_statement,
                )
            )
    wanted_keys = {(d.pk, key) for key, d, _c, _s in wanted}
    for (domain_id, key), comp in existing.items():
        if (domain_id, key) not in wanted_keys:
            taken[domain_id].add(comp.code)
    for position, (key, domain, code, statement) in enumerate(wanted):
        values = {
            "code": unique_code(code, taken[domain.pk], 60),
            "title": _title(statement),
            "position": position,
            "case_uuid": key,
        }
        current = existing.get((domain.pk, key))
        if current is None:
            result.created += 1
            out[key] = competency_create(domain=domain, **values)
        else:
            _count_update(result, continuum_row_update(row=current, values=values))
            out[key] = current
    return out


def _apply_targets(
    package: CasePackage,
    framework: Framework,
    competencies: dict[str, Competency],
    nodes: dict[str, _Node],
    items: dict[str, Any],
    result: CaseImportResult,
) -> dict[str, LearningTarget]:
    existing = {
        t.case_uuid: t
        for t in LearningTarget.objects.filter(competency__domain__framework=framework).exclude(
            case_uuid=""
        )
    }
    wanted = [n for n in nodes.values() if n.role == ItemRole.TARGET]
    wanted_keys = {n.identifier for n in wanted}
    taken: dict[int, set[str]] = defaultdict(set)
    for key, target in existing.items():
        if key not in wanted_keys:
            taken[target.competency_id].add(target.code)
    no_level = 0
    out: dict[str, LearningTarget] = {}
    creates: list[LearningTarget] = []
    updates: list[LearningTarget] = []
    fields = ["competency", "code", "statement", "level", "level_high", "position", "case_uri"]
    for position, node in enumerate(wanted):
        item = items[node.identifier]
        competency = competencies[node.competency or package.identifier]
        if not node.grades:
            no_level += 1
        low = min(node.grades) if node.grades else 0
        high = max(node.grades) if node.grades else None
        values = {
            "competency": competency,
            "code": unique_code(
                item.human_coding or short_code(node.identifier), taken[competency.pk], 80
            ),
            "statement": item.full_statement,
            "level": low,
            "level_high": high if high is not None and high != low else None,
            "position": position,
            "case_uri": item.uri[:500],
        }
        current = existing.get(node.identifier)
        if current is None:
            target = LearningTarget(case_uuid=node.identifier, **values)
            creates.append(target)
            result.created += 1
        else:
            target = current
            if _changed(target, values):
                updates.append(target)
                result.updated += 1
            else:
                result.unchanged += 1
        out[node.identifier] = target
    if no_level:
        result.warnings.append(
            Problem(
                package.source,
                "CFItems[*].educationLevel",
                f"{no_level} target(s) have no educationLevel (nor a parent with one); "
                "placed at level 0 (K)",
            )
        )
    targets_update_many(targets=updates, fields=fields)
    targets_create_many(targets=creates)
    parents = []
    for node in wanted:
        target = out[node.identifier]
        parent = out[node.target_parent] if node.target_parent else None
        if target.parent_id != (parent.pk if parent else None):
            target.parent = parent
            parents.append(target)
    targets_update_many(targets=parents, fields=["parent"])
    return out


def _store_case_rows(
    document: CaseDocument,
    package: CasePackage,
    nodes: dict[str, _Node],
    items: dict[str, Any],
    domains: dict[str, Domain],
    competencies: dict[str, Competency],
    targets: dict[str, LearningTarget],
) -> None:
    CaseItem.objects.filter(document=document).delete()
    rows = []
    for position, item in enumerate(package.items):
        node = nodes[item.identifier]
        rows.append(
            CaseItem(
                document=document,
                identifier=item.identifier,
                uri=item.uri[:500],
                role=node.role,
                item_type=item.item_type[:120],
                education_levels=item.education_levels,
                language=item.language[:20],
                last_change=item.last_change[:40],
                parent_identifier=node.parent,
                position=position,
                raw=item.raw,
                domain=domains.get(item.identifier),
                competency=competencies.get(item.identifier),
                target=targets.get(item.identifier),
            )
        )
    CaseItem.objects.bulk_create(rows, batch_size=500)


def _target_index(ends: set[str], district: District | None) -> dict[str, int]:
    """Target ids by CASE identifier (or URI) among frameworks this district may use."""
    if not ends:
        return {}
    uuids = {e for e in ends if is_uuid(e)} | {stable_uuid(e) for e in ends if not is_uuid(e)}
    visible = Q(competency__domain__framework__district=district) | Q(
        competency__domain__framework__district__isnull=True
    )
    index: dict[str, int] = {}
    for pk, case_uuid, case_uri in (
        LearningTarget.objects.filter(visible)
        .filter(Q(case_uuid__in=uuids) | Q(case_uri__in=ends))
        .values_list("pk", "case_uuid", "case_uri")
    ):
        index[case_uuid] = pk
        if case_uri:
            index[case_uri] = pk
    for end in ends:
        if not is_uuid(end) and stable_uuid(end) in index:
            index[end] = index[stable_uuid(end)]
    return index


def _apply_associations(
    document: CaseDocument,
    package: CasePackage,
    targets: dict[str, LearningTarget],
    district: District | None,
) -> tuple[int, int]:
    old_ids = set(
        CaseAssociation.objects.filter(document=document).values_list("identifier", flat=True)
    )
    CaseAssociation.objects.filter(document=document).delete()
    CaseAssociation.objects.bulk_create(
        [
            CaseAssociation(
                document=document,
                identifier=a.identifier,
                association_type=a.association_type[:60],
                origin=a.origin[:500],
                destination=a.destination[:500],
                sequence=a.sequence,
                raw=a.raw,
            )
            for a in {a.identifier: a for a in package.associations}.values()
        ],
        batch_size=500,
    )
    new_ids = {a.identifier for a in package.associations}
    target_links_delete_for_district(district=district, case_uuids=old_ids - new_ids)
    # Links from this package, and links other packages of this district (or shared ones)
    # made to this one's targets; another district's packages are its own curriculum.
    mine = {t.case_uuid for t in targets.values()}
    visible = Q(document__framework__district=district)
    if district is not None:
        visible |= Q(document__framework__district__isnull=True)
    pending = list(
        CaseAssociation.objects.filter(association_type__in=list(LINK_KINDS))
        .filter(visible)
        .filter(Q(document=document) | Q(destination__in=mine) | Q(origin__in=mine))
    )
    ends = {a.origin for a in pending} | {a.destination for a in pending}
    index = _target_index(ends, district)
    links = [
        TargetLink(
            source_id=index[a.origin],
            destination_id=index[a.destination],
            kind=LINK_KINDS[a.association_type],
            case_uuid=a.identifier,
        )
        for a in pending
        if a.origin in index and a.destination in index and index[a.origin] != index[a.destination]
    ]
    target_links_create_many(links=links)
    replaced = {a.origin for a in package.associations if a.association_type == "replacedBy"}
    retired = targets_retire(target_ids=[targets[r].pk for r in replaced if r in targets])
    targets_restore(target_ids=[t.pk for k, t in targets.items() if k not in replaced])
    return len(links), retired


def _scale_from_rubrics(package: CasePackage, district: District | None) -> PerformanceScale | None:
    """A scale made from the first rubric's criterion levels, when they carry scores."""
    for rubric in package.rubrics:
        scores: dict[Decimal, str] = {}
        for criterion in rubric.get("CFRubricCriteria") or []:
            for level in (
                criterion.get("CFRubricCriterionLevels") or []
                if isinstance(criterion, dict)
                else []
            ):
                score = level.get("score") if isinstance(level, dict) else None
                if isinstance(score, (int, float)) and not isinstance(score, bool):
                    label = str(level.get("quality") or level.get("description") or score)
                    scores.setdefault(Decimal(str(score)).quantize(Decimal("0.01")), label[:60])
        if len(scores) >= 2:
            low, high = min(scores), max(scores)
            middle = (low + high) / 2
            return scale_create(
                district=district,
                name=f"{package.title[:80]} rubric scale",
                levels=[
                    PerformanceLevel(value=value, label=label, is_proficient=value > middle)
                    for value, label in sorted(scores.items())
                ],
            )
    return None


def _apply_rubrics(
    package: CasePackage, framework: Framework, targets: dict[str, LearningTarget]
) -> None:
    levels = {level.value: level for level in framework.scale.levels.all()}
    for rubric_raw in package.rubrics:
        identifier = str(rubric_raw.get("identifier") or "")
        if not identifier:
            continue
        rubric = rubric_replace(
            scale=framework.scale,
            case_uuid=identifier,
            title=str(rubric_raw.get("title") or "Rubric")[:255],
        )
        for position, criterion_raw in enumerate(rubric_raw.get("CFRubricCriteria") or []):
            if not isinstance(criterion_raw, dict):
                continue
            item_ref = criterion_raw.get("CFItemURI") or {}
            item_id = (
                str(item_ref.get("identifier") or criterion_raw.get("CFItemIdentifier") or "")
                if isinstance(item_ref, dict)
                else ""
            )
            descriptors: list[tuple[PerformanceLevel, str]] = []
            for level_raw in criterion_raw.get("CFRubricCriterionLevels") or []:
                score = level_raw.get("score") if isinstance(level_raw, dict) else None
                if not isinstance(score, (int, float)) or isinstance(score, bool):
                    continue
                level = levels.get(Decimal(str(score)).quantize(Decimal("0.01")))
                if level is not None:
                    descriptors.append((level, str(level_raw.get("description") or level.label)))
            rubric_criterion_add(
                rubric=rubric,
                position=position,
                target=targets.get(item_id.lower()),
                title=str(
                    criterion_raw.get("description")
                    or criterion_raw.get("category")
                    or f"Criterion {position + 1}"
                )[:255],
                descriptors=descriptors,
            )


def case_packages_read(
    *, sources: list[tuple[str, bytes]], strict: bool, title: str = ""
) -> list[CasePackage]:
    """Parse (and in strict mode schema-check) every source; all problems in one error."""
    from masterypath.interop.case.parser import csv_to_package, decode_json, normalise, resolve_ids
    from masterypath.interop.case.validator import schema_problems

    packages: list[CasePackage] = []
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for name, data in sources:
        try:
            raw = (
                csv_to_package(name, data, title=title)
                if name.lower().endswith(".csv")
                else decode_json(name, data)
            )
            if strict and not name.lower().endswith(".csv"):
                version = (
                    "1.1"
                    if isinstance(raw, dict)
                    and isinstance(raw.get("CFDocument"), dict)
                    and raw["CFDocument"].get("caseVersion") == "1.1"
                    else "1.0"
                )
                found = schema_problems(name, raw, version=version)
                if found:
                    problems.extend(found)
                    continue
            package = normalise(name, raw, strict=strict)
            resolve_ids(package)
            packages.append(package)
        except CaseImportError as error:
            problems.extend(error.problems)
            warnings.extend(Problem(**w) for w in error.warnings)
    if problems:
        raise CaseImportError(CaseErrorCode.INVALID, problems, warnings=warnings)
    return packages


@transaction.atomic
def case_packages_import(
    *,
    packages: list[CasePackage],
    district: District | None,
    actor: Actor | SystemActor | None = None,
    report: Report = _noop,
) -> list[CaseImportResult]:
    """Import several packages as one change: all of them or none."""
    return [
        case_package_import(package=package, district=district, actor=actor, report=report)
        for package in packages
    ]
