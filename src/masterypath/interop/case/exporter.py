"""Export a framework as a CASE 1.1 CFPackage (valid against the official 1.1 schema).

Items keep their CASE identifiers; rows authored here get name-based UUIDs derived from the
framework's identity and their codes, so exporting twice gives the same identifiers. Items the
continuum does not model (intermediate groupings, supporting text) come back from the CASE
tables as they were received.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from masterypath.continuum.models import Framework, LearningTarget, TargetLink
from masterypath.interop.case.mapping import level_code
from masterypath.interop.case.models import CaseAssociation, CaseDocument, CaseItem, ItemRole
from masterypath.interop.case.parser import is_uuid, stable_uuid

ITEM_EXTRA_FIELDS = (
    "abbreviatedStatement",
    "alternativeLabel",
    "listEnumeration",
    "notes",
    "conceptKeywords",
)
NAMESPACE = uuid.UUID("6f1d1e52-6c43-4f0e-9d5e-3a8f0c7b2d11")


def _uri(identifier: str, uri: str = "") -> str:
    return uri if uri.startswith(("http://", "https://", "urn:")) else f"urn:uuid:{identifier}"


def _stamp(value: datetime) -> str:
    return value.replace(microsecond=0).isoformat()


def case_framework_export(*, framework: Framework) -> dict[str, Any]:
    document = CaseDocument.objects.filter(framework=framework).first()
    doc_id = (
        framework.case_uuid
        if is_uuid(framework.case_uuid)
        else str(uuid.uuid5(NAMESPACE, f"framework:{framework.pk}:{framework.title}"))
    )
    stamp = _stamp(framework.updated_at)
    case_items = (
        {c.identifier: c for c in CaseItem.objects.filter(document=document)} if document else {}
    )

    def new_id(kind: str, code: str) -> str:
        return str(uuid.uuid5(NAMESPACE, f"{doc_id}:{kind}:{code}"))

    items: list[dict[str, Any]] = []
    parents: dict[str, tuple[str, int]] = {}
    types_used: set[str] = set()

    def add(
        identifier: str,
        statement: str,
        code: str,
        default_type: str,
        parent: str,
        position: int,
        levels: list[str],
        uri: str = "",
    ) -> None:
        case_item = case_items.get(identifier)
        item_type = (case_item.item_type if case_item else "") or default_type
        item: dict[str, Any] = {
            "identifier": identifier,
            "uri": _uri(identifier, uri),
            "fullStatement": statement,
            "lastChangeDateTime": stamp,
            "CFItemType": item_type,
        }
        if code:
            item["humanCodingScheme"] = code
        if levels:
            item["educationLevel"] = levels
        if case_item:
            if case_item.language:
                item["language"] = case_item.language
            for name in ITEM_EXTRA_FIELDS:
                value = case_item.raw.get(name)
                if isinstance(value, str) and value and name != "conceptKeywords":
                    item[name] = value
            original = case_item.raw.get("fullStatement")
            if isinstance(original, str) and original[:254] == statement[:254]:
                item["fullStatement"] = original
            if case_item.parent_identifier and case_item.parent_identifier in known:
                parent = case_item.parent_identifier
        types_used.add(item_type)
        items.append(item)
        parents[identifier] = (parent, position)

    domains = list(framework.domains.all().prefetch_related("competencies"))
    targets = list(
        LearningTarget.objects.filter(competency__domain__framework=framework)
        .select_related("competency__domain")
        .order_by("position", "id")
    )
    ids: dict[tuple[str, int], str] = {}
    for domain in domains:
        ids[("d", domain.pk)] = domain.case_uuid or new_id("domain", domain.code)
        for competency in domain.competencies.all():
            ids[("c", competency.pk)] = competency.case_uuid or new_id(
                "competency", f"{domain.code}/{competency.code}"
            )
    for target in targets:
        ids[("t", target.pk)] = target.case_uuid or new_id(
            "target", f"{target.competency.domain.code}/{target.competency.code}/{target.code}"
        )
    known = set(ids.values()) | {
        c.identifier for c in case_items.values() if c.role in {ItemRole.GROUPING, ItemRole.SUPPORT}
    }

    for domain in domains:
        domain_id = ids[("d", domain.pk)]
        is_general = domain_id == doc_id
        if not is_general:
            add(domain_id, domain.title, domain.code, "Domain", doc_id, domain.position, [])
        for competency in domain.competencies.all():
            comp_id = ids[("c", competency.pk)]
            if comp_id != domain_id:
                add(
                    comp_id,
                    competency.title,
                    competency.code,
                    "Competency",
                    domain_id,
                    competency.position,
                    [],
                )
    for target in targets:
        comp_id = ids[("c", target.competency_id)]
        parent = ids[("t", target.parent_id)] if target.parent_id else comp_id
        high = target.level_high if target.level_high is not None else target.level
        levels = [level_code(g) for g in range(target.level, high + 1)]
        add(
            ids[("t", target.pk)],
            target.statement,
            target.code,
            "Component" if target.parent_id else "Standard",
            parent,
            target.position,
            levels,
            target.case_uri,
        )
    for case_item in case_items.values():
        if case_item.role in {ItemRole.GROUPING, ItemRole.SUPPORT}:
            raw = case_item.raw
            add(
                case_item.identifier,
                str(raw.get("fullStatement") or ""),
                str(raw.get("humanCodingScheme") or ""),
                "",
                case_item.parent_identifier or doc_id,
                case_item.position,
                [g for g in case_item.education_levels if isinstance(g, str)],
                case_item.uri,
            )

    titles = {
        item["identifier"]: item.get("humanCodingScheme") or item["fullStatement"][:60]
        for item in items
    }
    titles[doc_id] = framework.title

    def link(identifier: str, uri: str = "", title: str = "") -> dict[str, str]:
        return {
            "title": titles.get(identifier, title) or identifier,
            "identifier": identifier,
            "uri": _uri(identifier, uri),
        }

    associations: list[dict[str, Any]] = []
    for identifier, (parent, position) in parents.items():
        parent = parent if parent in titles else doc_id
        association_id = str(uuid.uuid5(NAMESPACE, f"{identifier}:isChildOf:{parent}"))
        associations.append(
            {
                "identifier": association_id,
                "uri": f"urn:uuid:{association_id}",
                "associationType": "isChildOf",
                "sequenceNumber": position,
                "originNodeURI": link(identifier),
                "destinationNodeURI": link(parent),
                "lastChangeDateTime": stamp,
            }
        )
    stored_ids = set()
    if document:
        for stored in CaseAssociation.objects.filter(document=document).exclude(
            association_type="isChildOf"
        ):
            stored_ids.add(stored.identifier)
            destination = stored.raw.get("destinationNodeURI")
            d_uri = destination.get("uri", "") if isinstance(destination, dict) else ""
            d_title = destination.get("title", "") if isinstance(destination, dict) else ""
            association: dict[str, Any] = {
                "identifier": stored.identifier,
                "uri": f"urn:uuid:{stored.identifier}",
                "associationType": stored.association_type,
                "originNodeURI": link(stored.origin),
                "destinationNodeURI": link(
                    stored.destination, str(d_uri or ""), str(d_title or "")
                ),
                "lastChangeDateTime": stamp,
            }
            if stored.sequence is not None:
                association["sequenceNumber"] = stored.sequence
            associations.append(association)
    for source_id, destination_id, kind, case_uuid in TargetLink.objects.filter(
        source__competency__domain__framework=framework
    ).values_list("source_id", "destination_id", "kind", "case_uuid"):
        if case_uuid in stored_ids:
            continue
        origin = ids.get(("t", source_id))
        destination = LearningTarget.objects.filter(pk=destination_id).values_list(
            "case_uuid", flat=True
        ).first() or ids.get(("t", destination_id), "")
        if not origin or not destination:
            continue
        association_id = (
            case_uuid if is_uuid(case_uuid) else stable_uuid(f"{origin}:{kind}:{destination}")
        )
        associations.append(
            {
                "identifier": association_id,
                "uri": f"urn:uuid:{association_id}",
                "associationType": kind,
                "originNodeURI": link(origin),
                "destinationNodeURI": link(destination),
                "lastChangeDateTime": stamp,
            }
        )
    item_types = [
        {
            "identifier": str(uuid.uuid5(NAMESPACE, f"itemtype:{name}")),
            "uri": f"urn:uuid:{uuid.uuid5(NAMESPACE, f'itemtype:{name}')}",
            "title": name,
            "description": name,
            "hierarchyCode": "1",
            "typeCode": name,
            "lastChangeDateTime": stamp,
        }
        for name in sorted(types_used)
    ]
    cf_document: dict[str, Any] = {
        "identifier": doc_id,
        "uri": _uri(doc_id, framework.case_uri),
        "creator": framework.publisher or "masterypath",
        "title": framework.title,
        "lastChangeDateTime": stamp,
        "caseVersion": "1.1",
    }
    if framework.version:
        cf_document["version"] = framework.version
    if framework.publisher:
        cf_document["publisher"] = framework.publisher
    if framework.subject:
        cf_document["subject"] = [s.strip() for s in framework.subject.split(",") if s.strip()]
    return {
        "CFDocument": cf_document,
        "CFItems": items,
        "CFAssociations": associations,
        "CFDefinitions": {"CFItemTypes": item_types},
    }
