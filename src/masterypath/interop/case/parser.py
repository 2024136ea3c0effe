"""Read CASE packages (JSON CFPackage, OpenSALT spreadsheet CSV) into one normalised shape.

Strict mode takes the package as the CASE 1.0/1.1 schema says. Lenient mode also reads older
drafts and repairs what it can, recording each guess as a warning with its JSON path:
ASN URIs as identifiers (mapped to a name-based UUID, the URI is kept), `subject` as a string,
`educationalLevel` for `educationLevel`, grade lists written as "09,10", `CFItemType` given only
through `CFItemTypeURI`, associations naming their ends by `originNodeIdentifier`.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from urllib.request import Request, urlopen

from masterypath.interop.case.errors import CaseErrorCode, CaseImportError, Problem

UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
MAX_BYTES = 50 * 1024 * 1024
CSV_HIERARCHY = "smartLevel"


@dataclass
class CaseItem:
    identifier: str
    uri: str
    full_statement: str
    human_coding: str = ""
    item_type: str = ""
    education_levels: list[str] = field(default_factory=list)
    language: str = ""
    list_enumeration: str = ""
    last_change: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class CaseAssociation:
    identifier: str
    association_type: str
    origin: str
    destination: str
    destination_uri: str = ""
    destination_title: str = ""
    sequence: int | None = None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class CasePackage:
    source: str
    version: str
    identifier: str
    uri: str
    title: str
    creator: str = ""
    publisher: str = ""
    subject: str = ""
    doc_version: str = ""
    last_change: str = ""
    document: dict[str, Any] = field(default_factory=dict)
    items: list[CaseItem] = field(default_factory=list)
    associations: list[CaseAssociation] = field(default_factory=list)
    definitions: dict[str, Any] = field(default_factory=dict)
    rubrics: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)


def is_uuid(value: str) -> bool:
    return bool(UUID_RE.match(value or ""))


def stable_uuid(value: str) -> str:
    """A name-based UUID for an identifier that is not one (e.g. an ASN URI)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, value))


# --- loading -------------------------------------------------------------------------------


def load_sources(location: str) -> list[tuple[str, bytes]]:
    """The raw bytes of each package at `location`: a file, a folder of files, or a URL."""
    if location.startswith(("http://", "https://")):
        return [(location, _fetch(location))]
    path = Path(location)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in {".json", ".csv"})
        if not files:
            raise CaseImportError(
                CaseErrorCode.UNREADABLE,
                [Problem(str(path), "", "The folder holds no .json or .csv CASE package.")],
            )
        return [(str(p), p.read_bytes()) for p in files]
    if not path.exists():
        raise CaseImportError(
            CaseErrorCode.UNREADABLE, [Problem(str(path), "", "No such file or folder.")]
        )
    return [(str(path), path.read_bytes())]


def _fetch(url: str) -> bytes:
    if urlparse(url).scheme not in {"http", "https"}:
        raise CaseImportError(CaseErrorCode.UNREADABLE, [Problem(url, "", "Only http(s) URLs.")])
    request = Request(url, headers={"Accept": "application/json"})  # noqa: S310 - scheme checked
    try:
        with urlopen(request, timeout=60) as response:  # noqa: S310 - scheme checked
            return bytes(response.read(MAX_BYTES + 1))
    except OSError as error:
        raise CaseImportError(
            CaseErrorCode.UNREADABLE, [Problem(url, "", f"Could not fetch the package: {error}.")]
        ) from error


def decode_json(name: str, data: bytes) -> Any:
    if len(data) > MAX_BYTES:
        raise CaseImportError(CaseErrorCode.UNREADABLE, [Problem(name, "", "File over 50 MB.")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CaseImportError(
            CaseErrorCode.UNREADABLE, [Problem(name, "", f"Not UTF-8 text (byte {error.start}).")]
        ) from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise CaseImportError(
            CaseErrorCode.UNREADABLE,
            [
                Problem(
                    name,
                    f"line {error.lineno} column {error.colno}",
                    f"Not valid JSON: {error.msg}.",
                )
            ],
        ) from error
    except RecursionError as error:
        raise CaseImportError(
            CaseErrorCode.UNREADABLE, [Problem(name, "", "JSON nested too deeply.")]
        ) from error


def csv_to_package(name: str, data: bytes, *, title: str = "") -> dict[str, Any]:
    """OpenSALT's spreadsheet format (one CFItem a row, hierarchy in `smartLevel` such as
    1.2.3) as a CFPackage dict with isChildOf associations."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CaseImportError(
            CaseErrorCode.UNREADABLE, [Problem(name, "", f"Not UTF-8 text (byte {error.start}).")]
        ) from error
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        rows = list(reader)
    except csv.Error as error:
        raise CaseImportError(
            CaseErrorCode.UNREADABLE,
            [Problem(name, f"line {reader.line_num}", f"Not valid CSV: {error}.")],
        ) from error
    header = reader.fieldnames or []
    missing = [c for c in ("identifier", "fullStatement") if c not in header]
    if missing:
        raise CaseImportError(
            CaseErrorCode.NOT_A_PACKAGE,
            [
                Problem(
                    name,
                    "line 1",
                    f"Missing column(s) {', '.join(missing)}: not a CASE spreadsheet.",
                )
            ],
        )
    stem = Path(name).stem
    doc_id = stable_uuid(f"masterypath:case-csv:{stem}")
    document = {
        "identifier": doc_id,
        "uri": f"urn:uuid:{doc_id}",
        "title": title or stem,
        "creator": "",
        "lastChangeDateTime": "",
    }
    items: list[dict[str, Any]] = []
    associations: list[dict[str, Any]] = []
    by_level: dict[str, str] = {}
    for row in rows:
        level = (row.get(CSV_HIERARCHY) or "").strip()
        if level:
            by_level[level] = (row.get("identifier") or "").strip()
    for number, row in enumerate(rows, start=2):
        item: dict[str, Any] = {
            key: (value or "").strip()
            for key, value in row.items()
            if key and key != CSV_HIERARCHY and (value or "").strip()
        }
        item["_line"] = number
        identifier = item.get("identifier", "")
        if "educationLevel" in item:
            item["educationLevel"] = [g for g in re.split(r"[,;|\s]+", item["educationLevel"]) if g]
        items.append(item)
        level = (row.get(CSV_HIERARCHY) or "").strip()
        parent_level = level.rsplit(".", 1)[0] if "." in level else ""
        parent = by_level.get(parent_level, doc_id) if parent_level else doc_id
        position = level.rsplit(".", 1)[-1] if level else ""
        associations.append(
            {
                "identifier": stable_uuid(f"masterypath:case-csv:{identifier}:isChildOf:{parent}"),
                "associationType": "isChildOf",
                "originNodeURI": {
                    "identifier": identifier,
                    "uri": f"urn:uuid:{identifier}",
                    "title": "",
                },
                "destinationNodeURI": {
                    "identifier": parent,
                    "uri": f"urn:uuid:{parent}",
                    "title": "",
                },
                "sequenceNumber": int(position) if position.isdigit() else None,
                "_line": number,
            }
        )
    return {
        "CFDocument": document,
        "CFItems": items,
        "CFAssociations": associations,
        "_format": "csv",
    }


# --- normalising ---------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return ""


def _node(value: Any) -> tuple[str, str, str]:
    """(identifier, uri, title) of a LinkURI object or a bare string."""
    if isinstance(value, dict):
        return _text(value.get("identifier")), _text(value.get("uri")), _text(value.get("title"))
    text = _text(value)
    return text, text, ""


class _Reader:
    def __init__(self, source: str, *, strict: bool) -> None:
        self.source = source
        self.strict = strict
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self.id_map: dict[str, str] = {}

    def problem(self, path: str, message: str) -> None:
        self.errors.append(Problem(self.source, path, message))

    def guess(self, path: str, message: str) -> None:
        """Strict mode refuses what lenient mode repairs and reports."""
        if self.strict:
            self.errors.append(Problem(self.source, path, message))
        else:
            self.warnings.append(Problem(self.source, path, message + " (repaired)"))

    def identifier(self, raw: str, path: str) -> str:
        if not raw:
            return ""
        if is_uuid(raw):
            return raw.lower()
        if raw not in self.id_map:
            self.id_map[raw] = stable_uuid(raw)
            self.guess(path, f"identifier {raw!r} is not a UUID; using {self.id_map[raw]}")
        return self.id_map[raw]


def normalise(source: str, raw: Any, *, strict: bool) -> CasePackage:
    """Check the structure the importer relies on and build a `CasePackage`."""
    reader = _Reader(source, strict=strict)
    if not isinstance(raw, dict) or not isinstance(raw.get("CFDocument"), dict):
        raise CaseImportError(
            CaseErrorCode.NOT_A_PACKAGE,
            [Problem(source, "$", "Not a CFPackage: expected an object with a CFDocument.")],
        )
    doc = raw["CFDocument"]
    doc_id = reader.identifier(_text(doc.get("identifier")), "$.CFDocument.identifier")
    if not doc_id:
        reader.problem("$.CFDocument.identifier", "The CFDocument has no identifier.")
    title = _text(doc.get("title"))
    if not title:
        reader.problem("$.CFDocument.title", "The CFDocument has no title.")
    subject = doc.get("subject")
    if isinstance(subject, str):
        if raw.get("_format") != "csv":
            reader.guess("$.CFDocument.subject", "subject is a string, not a list")
        subject = [subject]
    subjects = [s for s in subject if isinstance(s, str)] if isinstance(subject, list) else []
    version = "1.1" if _text(doc.get("caseVersion")) == "1.1" else "1.0"
    package = CasePackage(
        source=source,
        version=version,
        identifier=doc_id,
        uri=_text(doc.get("uri")),
        title=title,
        creator=_text(doc.get("creator")),
        publisher=_text(doc.get("publisher")),
        subject=", ".join(subjects),
        doc_version=_text(doc.get("version")),
        last_change=_text(doc.get("lastChangeDateTime")),
        document=doc,
        raw=raw,
    )
    type_titles = _item_type_titles(raw.get("CFDefinitions"))
    items = raw.get("CFItems") or []
    if not isinstance(items, list):
        reader.problem("$.CFItems", "CFItems must be a list.")
        items = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        parsed = _item(reader, item, f"$.CFItems[{index}]", type_titles)
        if parsed is None:
            continue
        if parsed.identifier in seen or parsed.identifier == doc_id:
            reader.guess(
                f"$.CFItems[{index}].identifier",
                f"identifier {parsed.identifier} appears twice; the first item is used",
            )
            continue
        seen.add(parsed.identifier)
        package.items.append(parsed)
    associations = raw.get("CFAssociations") or []
    if not isinstance(associations, list):
        reader.problem("$.CFAssociations", "CFAssociations must be a list.")
        associations = []
    for index, association in enumerate(associations):
        parsed_association = _association(reader, association, f"$.CFAssociations[{index}]")
        if parsed_association is not None:
            package.associations.append(parsed_association)
    definitions = raw.get("CFDefinitions")
    package.definitions = definitions if isinstance(definitions, dict) else {}
    rubrics = raw.get("CFRubrics") or []
    if isinstance(rubrics, list):
        package.rubrics = [r for r in rubrics if isinstance(r, dict)]
    if reader.errors:
        raise CaseImportError(CaseErrorCode.INVALID, reader.errors, warnings=reader.warnings)
    package.warnings = reader.warnings
    return package


def _item_type_titles(definitions: Any) -> dict[str, str]:
    titles: dict[str, str] = {}
    if isinstance(definitions, dict) and isinstance(definitions.get("CFItemTypes"), list):
        for entry in definitions["CFItemTypes"]:
            if isinstance(entry, dict):
                titles[_text(entry.get("identifier"))] = _text(
                    entry.get("title") or entry.get("typeCode")
                )
    return titles


def _item(reader: _Reader, item: Any, path: str, type_titles: dict[str, str]) -> CaseItem | None:
    if not isinstance(item, dict):
        reader.problem(path, "A CFItem must be an object.")
        return None
    raw_id = _text(item.get("identifier"))
    if not raw_id:
        reader.problem(f"{path}.identifier", "The CFItem has no identifier.")
        return None
    identifier = reader.identifier(raw_id, f"{path}.identifier")
    statement = _text(item.get("fullStatement"))
    if not statement:
        reader.problem(f"{path}.fullStatement", "The CFItem has no fullStatement.")
        return None
    levels = item.get("educationLevel")
    if levels is None and "educationalLevel" in item:
        reader.guess(f"{path}.educationalLevel", "educationalLevel used for educationLevel")
        levels = item.get("educationalLevel")
    if isinstance(levels, str):
        reader.guess(f"{path}.educationLevel", "educationLevel is a string, not a list")
        levels = [levels]
    grades: list[str] = []
    for level in levels if isinstance(levels, list) else []:
        grades.extend(g for g in re.split(r"[,;|\s]+", _text(level)) if g)
    item_type = _text(item.get("CFItemType"))
    if not item_type and isinstance(item.get("CFItemTypeURI"), dict):
        type_id, _uri, type_title = _node(item["CFItemTypeURI"])
        item_type = type_title or type_titles.get(type_id, "")
    return CaseItem(
        identifier=identifier,
        uri=_text(item.get("uri")),
        full_statement=statement,
        human_coding=_text(item.get("humanCodingScheme")),
        item_type=item_type,
        education_levels=grades,
        language=_text(item.get("language")),
        list_enumeration=_text(item.get("listEnumeration")),
        last_change=_text(item.get("lastChangeDateTime")),
        raw={k: v for k, v in item.items() if not k.startswith("_")},
    )


def _association(reader: _Reader, association: Any, path: str) -> CaseAssociation | None:
    if not isinstance(association, dict):
        reader.problem(path, "A CFAssociation must be an object.")
        return None
    kind = _text(association.get("associationType"))
    if not kind:
        reader.problem(f"{path}.associationType", "The CFAssociation has no associationType.")
        return None
    origin, _o_uri, _o_title = _node(association.get("originNodeURI"))
    if not origin and association.get("originNodeIdentifier"):
        origin = _text(association.get("originNodeIdentifier"))
    destination, d_uri, d_title = _node(association.get("destinationNodeURI"))
    if not destination and association.get("destinationNodeIdentifier"):
        destination = _text(association.get("destinationNodeIdentifier"))
    if not origin or not destination:
        reader.problem(path, "The CFAssociation must name its origin and destination nodes.")
        return None
    raw_id = _text(association.get("identifier"))
    if not raw_id:
        reader.guess(f"{path}.identifier", "the CFAssociation has no identifier")
        raw_id = stable_uuid(f"{origin}|{kind}|{destination}")
    identifier = raw_id.lower() if is_uuid(raw_id) else stable_uuid(raw_id)
    sequence = association.get("sequenceNumber")
    return CaseAssociation(
        identifier=identifier,
        association_type=kind,
        origin=origin,
        destination=destination,
        destination_uri=d_uri,
        destination_title=d_title,
        sequence=sequence if isinstance(sequence, int) and not isinstance(sequence, bool) else None,
        raw={k: v for k, v in association.items() if not k.startswith("_")},
    )


def resolve_ids(package: CasePackage) -> None:
    """Map association ends given as non-UUID identifiers onto the items' UUIDs."""
    known = {item.raw.get("identifier"): item.identifier for item in package.items}
    known[package.document.get("identifier")] = package.identifier
    for association in package.associations:
        association.origin = _resolved(known, association.origin)
        association.destination = _resolved(known, association.destination)


def _resolved(known: dict[Any, str], raw: str) -> str:
    if raw in known:
        return known[raw]
    return raw.lower() if is_uuid(raw) else raw


def parse(name: str, data: bytes, *, strict: bool, title: str = "") -> CasePackage:
    """Bytes of one file (JSON or CSV) to a normalised package, or CaseImportError."""
    if name.lower().endswith(".csv"):
        raw = csv_to_package(name, data, title=title)
    else:
        raw = decode_json(name, data)
    package = normalise(name, raw, strict=strict)
    resolve_ids(package)
    return package
