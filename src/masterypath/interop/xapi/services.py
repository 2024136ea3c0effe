"""Writes of the xAPI app: clients, storing statements (with voiding), mapping to evidence.

`statements_store` validates everything first, then writes the statements and the evidence
they map to in one transaction; the view acknowledges only after it commits, so an
acknowledged statement is durable (PostgreSQL commits are fsynced; see docs/xapi.md for SQLite).
"""

from __future__ import annotations

import functools
import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from masterypath.accounts.actors import Actor
from masterypath.accounts.models import User
from masterypath.common.audit import audit_record
from masterypath.common.bulk import (
    bulk_insert,
    concrete_field,
    db_column,
    db_datetimes,
    db_uuid,
)
from masterypath.common.models import AuditAction, AuditEntry
from masterypath.common.read_ledger import note_students_read
from masterypath.continuum.access import is_target_visible_in_district
from masterypath.continuum.models import LearningTarget
from masterypath.evidence.errors import EvidenceError
from masterypath.evidence.models import Evidence, EvidenceKind, EvidenceSource
from masterypath.evidence.services import (
    EvidenceBatchError,
    EvidenceRow,
    evidence_record,
    evidence_record_many,
    evidence_void_many,
)
from masterypath.interop.xapi.attachments import Part, check_parts, refuse_missing_data
from masterypath.interop.xapi.errors import XapiError, XapiErrorCode, invalid
from masterypath.interop.xapi.mapping import Plan, plans_for
from masterypath.interop.xapi.models import (
    AttachmentContent,
    Document,
    MappingState,
    Statement,
    XapiClient,
)
from masterypath.interop.xapi.selectors import client_district_id, client_scope, statements_of
from masterypath.interop.xapi.validation import Checked, normalize, statement_check
from masterypath.roster.models import Student

LRS_HOME = "https://masterypath.invalid/xapi/clients"
# Properties the LRS itself sets; a re-sent statement is "the same" when the rest is equal.
_LRS_PROPERTIES = ("stored", "authority", "version")


# Beyond this many students a read's entry keeps the count and the first ids only.
MAX_AUDIT_LISTED = 5000


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class NewClient:
    client: XapiClient
    password: str

    @property
    def api_token(self) -> str:
        return f"{self.client.username}.{self.password}"


@transaction.atomic
def xapi_client_create(*, actor: Actor | None, name: str, owner: User | None = None) -> NewClient:
    """A new client with random credentials; the password is returned once, stored hashed."""
    if not name.strip():
        raise XapiError(XapiErrorCode.INVALID, "A client needs a name.")
    password = secrets.token_urlsafe(32)
    client = XapiClient.objects.create(
        name=name.strip(),
        username=f"xc-{secrets.token_hex(6)}",
        secret_sha256=secret_digest(password),
        owner=owner,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, subject=client, detail={"name": name})
    return NewClient(client=client, password=password)


@transaction.atomic
def xapi_client_deactivate(*, actor: Actor | None, username: str) -> int:
    """Refuse the credentials of client `username` from now on; how many clients changed
    (0: no such client, or already inactive)."""
    clients = list(XapiClient.objects.filter(username=username, is_active=True))
    for client in clients:
        client.is_active = False
        client.save(update_fields=["is_active", "updated_at"])
        audit_record(
            actor=actor, action=AuditAction.UPDATE, subject=client, detail={"active": False}
        )
    return len(clients)


def authority_of(client: XapiClient) -> dict[str, Any]:
    return {
        "objectType": "Agent",
        "name": client.name,
        "account": {"homePage": LRS_HOME, "name": client.username},
    }


def _same(stored: dict[str, Any], new: dict[str, Any]) -> bool:
    keep = [k for k in new if k not in _LRS_PROPERTIES]
    if "timestamp" not in new:
        keep.append("timestamp")  # the LRS filled it in; the sender did not choose it
    left = {k: v for k, v in stored.items() if k not in _LRS_PROPERTIES and k in keep}
    right = {k: v for k, v in new.items() if k in keep}
    if "timestamp" not in new:
        left.pop("timestamp", None)
        right.pop("timestamp", None)
    return json.dumps(left, sort_keys=True) == json.dumps(right, sort_keys=True)


@dataclass(slots=True)
class _Row:
    """The columns of one Statement row as written (no model instance: a batch of 100 would
    spend more time building and converting instances than inserting them)."""

    statement_id: str
    client_id: int
    district_id: int | None
    payload: str
    verb_id: str
    actor_key: str
    activity_id: str
    registration: str | None
    related_activities: str
    related_agents: str
    timestamp: datetime
    stored: datetime
    voids: str | None
    object_ref: str | None
    mapping_state: str
    mapping_note: str = ""


@dataclass
class _Prepared:
    row: _Row
    received: dict[str, Any]
    checked: Checked


def _prepare(
    client: XapiClient, statements: list[Any], *, put_id: str | None, batch: bool
) -> list[_Prepared]:
    now = timezone.now()
    stored_text = now.isoformat()
    authority = authority_of(client)
    district_id = client_district_id(client)
    prepared: list[_Prepared] = []
    seen: set[str] = set()
    for index, received in enumerate(statements):
        path = f"statements[{index}]" if batch else "statement"
        checked = statement_check(received, path)
        normalize(received)
        if put_id is not None:
            if "id" in received and str(uuid.UUID(received["id"])) != put_id:
                raise invalid(f"{path}.id", "differs from the statementId parameter")
            statement_id = put_id
        else:
            statement_id = str(uuid.UUID(received["id"])) if "id" in received else str(uuid.uuid4())
        if statement_id in seen:
            raise invalid(f"{path}.id", f"{statement_id} appears twice in this request")
        seen.add(statement_id)
        payload = {"id": statement_id, **received} if "id" not in received else dict(received)
        payload["stored"] = stored_text
        payload["authority"] = authority
        payload.setdefault("version", "1.0.0")
        timestamp = checked.timestamp
        if timestamp is None:
            payload["timestamp"] = stored_text
            timestamp = now
        row = _Row(
            statement_id=statement_id,
            client_id=client.pk,
            district_id=district_id,
            payload=json.dumps(payload),
            verb_id=_text(checked.verb_id, 500),
            actor_key=_text(checked.actor_key, 600),
            activity_id=_text(checked.activity_id, 1000),
            registration=checked.registration,
            related_activities=_text(_joined(checked.related_activities), None),
            related_agents=_text(_joined(checked.related_agents), None),
            timestamp=timestamp,
            stored=now,
            voids=checked.voids,
            object_ref=checked.object_ref,
            mapping_state=(
                MappingState.NOT_APPLICABLE.value if checked.voids else MappingState.UNMAPPED.value
            ),
        )
        prepared.append(_Prepared(row=row, received=received, checked=checked))
    return prepared


def _text(value: str, limit: int | None) -> str:
    """Index columns hold no NUL (PostgreSQL text cannot); the payload keeps it, JSON-escaped."""
    return value.replace("\x00", "")[:limit]


def _joined(values: list[str]) -> str:
    unique = [v for v in dict.fromkeys(values) if v]
    return "\n" + "\n".join(unique) + "\n" if unique else ""


def statements_store(
    *,
    client: XapiClient,
    statements: list[Any],
    put_id: str | None = None,
    batch: bool = False,
    parts: dict[str, Part] | None = None,
) -> list[str]:
    """Validate, then store `statements` all or none; returns their ids in order.

    A statement whose id is already stored with the same content is accepted again and
    changes nothing; with different content the request fails with 409. `parts` are the
    attachment parts of a multipart request by hash (see attachments.py): checked against the
    statements, then kept with them in one transaction; without `parts` (a JSON request) every
    attachment needs a fileUrl.

    Queries: one statement that maps to no evidence is one `INSERT ... ON CONFLICT DO NOTHING`
    in autocommit (its own durable transaction); anything else is one transaction with the
    rows written by `bulk_insert` (COPY on PostgreSQL), then the evidence services. The
    student and target look-ups are cached per process (see mapping.py).
    """
    prepared = _prepare(client, statements, put_id=put_id, batch=batch)
    if parts is None:
        refuse_missing_data(statements)
        return _store_prepared(client, prepared)
    check_parts(statements, parts)
    with transaction.atomic():
        ids = _store_prepared(client, prepared)
        _keep_attachments(client, parts)
    return ids


def _store_prepared(client: XapiClient, prepared: list[_Prepared]) -> list[str]:
    plans = plans_for(
        owner=client.owner,
        statements=[p.received for p in prepared if not p.checked.voids],
    )
    if len(prepared) == 1 and not prepared[0].checked.voids and plans[0].score is None:
        _store_one(prepared[0], plans[0])
        return [str(prepared[0].row.statement_id)]
    try:
        with transaction.atomic(), connection.wrap_database_errors:
            _write(client, prepared, plans)
    except IntegrityError:
        # Some id exists already: the slow path sorts repeats from conflicts.
        with transaction.atomic():
            _write(client, _without_repeats(prepared), plans=None)
    return [str(p.row.statement_id) for p in prepared]


_COLUMNS = (
    "statement_id",
    "client",
    "district",
    "payload",
    "verb_id",
    "actor_key",
    "activity_id",
    "registration",
    "related_activities",
    "related_agents",
    "timestamp",
    "stored",
    "is_voided",
    "voids",
    "object_ref",
    "mapping_state",
    "mapping_note",
)
_FIELDS = [concrete_field(Statement, name) for name in _COLUMNS]


def _db_values(row: _Row) -> tuple[Any, ...]:
    """The row in `_COLUMNS` order, in database form."""
    timestamp, stored = db_datetimes([row.timestamp, row.stored])
    return (
        db_uuid(row.statement_id),
        row.client_id,
        row.district_id,
        row.payload,
        row.verb_id,
        row.actor_key,
        row.activity_id,
        db_uuid(row.registration),
        row.related_activities,
        row.related_agents,
        timestamp,
        stored,
        False,
        db_uuid(row.voids),
        db_uuid(row.object_ref),
        row.mapping_state,
        row.mapping_note,
    )


def _keep_attachments(client: XapiClient, parts: dict[str, Part]) -> None:
    scope, _ = document_scope(client)
    stored = set(
        AttachmentContent.objects.filter(scope=scope, sha2__in=list(parts)).values_list(
            "sha2", flat=True
        )
    )
    AttachmentContent.objects.bulk_create(
        [
            AttachmentContent(
                scope=scope,
                sha2=sha2,
                content_type=part.headers.get("content-type", "application/octet-stream")[:200],
                content=part.content,
            )
            for sha2, part in parts.items()
            if sha2 not in stored
        ]
    )


@functools.cache
def _insert_one_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    names = ", ".join(quote(db_column(field)) for field in _FIELDS)
    marks = ", ".join(["%s"] * len(_FIELDS))
    return (
        f"INSERT INTO {quote(Statement._meta.db_table)} ({names}) VALUES ({marks}) "  # noqa: S608
        f"ON CONFLICT ({quote('statement_id')}) DO NOTHING RETURNING {quote('id')}"
    )


def _store_one(item: _Prepared, plan: Plan) -> None:
    """One statement that becomes no evidence: a single INSERT, committed on its own (outside
    an atomic block the connection is in autocommit). An id already stored is a repeat when the
    content is the same (nothing written), else a 409."""
    item.row.mapping_note = plan.note[:300]
    with connection.cursor() as cursor:
        cursor.execute(_insert_one_sql(connection.vendor), _db_values(item.row))
        inserted = cursor.fetchone()
    if inserted is None:
        _without_repeats([item], lock=False)


def _without_repeats(prepared: list[_Prepared], *, lock: bool = True) -> list[_Prepared]:
    ids = [p.row.statement_id for p in prepared]
    rows = Statement.objects.filter(statement_id__in=ids).only("statement_id", "payload")
    existing = {str(row.statement_id): row for row in (rows.select_for_update() if lock else rows)}
    fresh = []
    for item in prepared:
        old = existing.get(str(item.row.statement_id))
        if old is None:
            fresh.append(item)
        elif not _same(json.loads(old.payload), item.received):
            raise XapiError(
                XapiErrorCode.CONFLICT,
                f"Statement {item.row.statement_id} already exists with different content.",
            )
    return fresh


def _write(client: XapiClient, prepared: list[_Prepared], plans: list[Plan] | None) -> None:
    if not prepared:
        return
    voiding = [p for p in prepared if p.checked.voids]
    if voiding:
        _check_voids(client, voiding, prepared)
    if plans is None:
        plans = plans_for(
            owner=client.owner, statements=[p.received for p in prepared if not p.checked.voids]
        )
    mapped: list[tuple[_Prepared, Plan]] = []
    plan_iter = iter(plans)
    for item in prepared:
        if item.checked.voids:
            continue
        plan = next(plan_iter)
        if plan.score is not None:
            mapped.append((item, plan))
            item.row.mapping_state = MappingState.MAPPED.value
        else:
            item.row.mapping_note = plan.note[:300]
    if mapped and client.owner is not None:
        _record(client, client.owner, mapped)
    bulk_insert(Statement, _COLUMNS, [_db_values(p.row) for p in prepared])
    if voiding:
        _apply_voids(client, voiding)


def _record(client: XapiClient, owner: User, mapped: list[tuple[_Prepared, Plan]]) -> None:
    """The evidence of the statements that map, as one batch; a statement whose evidence is
    refused (its date in the future, the student out of the owner's reach) is stored waiting
    to be mapped, with the reason as its note."""
    scored = [
        (item, plan.student, plan.target, plan.score)
        for item, plan in mapped
        if plan.student is not None and plan.target is not None and plan.score is not None
    ]
    rows = [
        EvidenceRow(
            student_id=student.pk,
            target_id=target.pk,
            score=score,
            observed_at=item.row.timestamp,
            kind=EvidenceKind.FORMATIVE,
            source=EvidenceSource.XAPI,
            source_id=str(item.row.statement_id),
            comment=f"xAPI {item.row.verb_id} via {client.name}",
        )
        for item, student, target, score in scored
    ]
    try:
        evidence_record_many(actor=owner, rows=rows, audit_detail={"xapi_client": client.pk})
    except EvidenceBatchError as error:
        refused = {e.index: e.message for e in error.errors}
        for index, message in refused.items():
            row = scored[index][0].row
            row.mapping_state = MappingState.UNMAPPED.value
            row.mapping_note = message[:300]
        rest = [row for index, row in enumerate(rows) if index not in refused]
        if rest:
            evidence_record_many(actor=owner, rows=rest, audit_detail={"xapi_client": client.pk})


def _check_voids(client: XapiClient, voiding: list[_Prepared], prepared: list[_Prepared]) -> None:
    targets = {str(p.checked.voids) for p in voiding}
    in_request = {str(p.row.statement_id) for p in prepared if p.checked.voids}
    stored_voiding = set(
        statements_of(client)
        .filter(statement_id__in=targets, voids__isnull=False)
        .values_list("statement_id", flat=True)
    )
    for item in voiding:
        target = str(item.checked.voids)
        if target in in_request or uuid.UUID(target) in stored_voiding:
            raise invalid(
                f"statement {item.row.statement_id}.object.id",
                "a voiding statement cannot itself be voided",
            )


def _apply_voids(client: XapiClient, voiding: list[_Prepared]) -> None:
    """Void the referenced statements of the client's scope (its district's, or its own for a
    client with no district; another district's statement is left alone, as if unknown) and,
    on behalf of the client's owner, the evidence made from them (in one batch). Evidence the
    client may not void (it has no owner, or the owner may not change that evidence) stays; the
    voiding statement's note says which and why, for a person to void it on the pages."""
    voider_of = {str(p.checked.voids): str(p.row.statement_id) for p in voiding}
    in_scope = statements_of(client).filter(statement_id__in=list(voider_of), is_voided=False)
    voided = [str(statement_id) for statement_id in in_scope.values_list("statement_id", flat=True)]
    for target in set(voider_of) - set(voided):
        Statement.objects.filter(statement_id=voider_of[target]).update(
            mapping_note=f"No live statement {target} of this client's district: nothing voided."
        )
    if not voided:
        return
    Statement.objects.filter(statement_id__in=voided).update(is_voided=True)
    made = list(
        Evidence.objects.filter(
            source=EvidenceSource.XAPI, source_id__in=voided, is_voided=False
        ).values_list("pk", "source_id")
    )
    if not made:
        return
    why_kept: dict[int, str] = {}
    if client.owner is None:
        why_kept = dict.fromkeys(range(len(made)), "this client has no owner to void it for")
    else:
        ids = [pk for pk, _ in made]
        reason = "Voided by an xAPI voiding statement."
        try:
            evidence_void_many(actor=client.owner, evidence_ids=ids, reason=reason)
        except EvidenceBatchError as error:
            why_kept = {
                e.index: f"the client's owner may not void it ({e.message})" for e in error.errors
            }
            rest = [pk for index, pk in enumerate(ids) if index not in why_kept]
            if rest:
                evidence_void_many(actor=client.owner, evidence_ids=rest, reason=reason)
    notes: dict[str, list[str]] = {}
    for index, why in why_kept.items():
        pk, source_id = made[index]
        notes.setdefault(voider_of[source_id], []).append(
            f"The evidence {pk} made from statement {source_id} stays: {why}."
        )
    for voider, lines in notes.items():
        Statement.objects.filter(statement_id=voider).update(mapping_note=" ".join(lines)[:300])


@transaction.atomic
def statement_map(
    *,
    actor: Actor,
    statement: Statement,
    student: Student,
    target: LearningTarget,
    score: Decimal,
    observed_at: datetime | None = None,
) -> Evidence:
    """An administrator maps a waiting statement to evidence by hand."""
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    if statement.mapping_state not in {MappingState.UNMAPPED, MappingState.IGNORED}:
        raise XapiError(XapiErrorCode.MAPPING, "This statement is not waiting to be mapped.")
    if statement.is_voided:
        raise XapiError(XapiErrorCode.MAPPING, "This statement has been voided.")
    district_id = statement.district_id
    if district_id is not None:
        if student.district_id != district_id:
            raise XapiError(
                XapiErrorCode.MAPPING, "The student is not in the district of this statement."
            )
        if not is_target_visible_in_district(target, district_id):
            raise XapiError(
                XapiErrorCode.MAPPING,
                f"The target {target.code} belongs to another district's framework.",
            )
    try:
        evidence = evidence_record(
            actor=actor,
            student=student,
            target=target,
            score=score,
            observed_at=observed_at or statement.timestamp,
            kind=EvidenceKind.FORMATIVE,
            source=EvidenceSource.XAPI,
            source_id=str(statement.statement_id),
            comment=f"xAPI {statement.verb_id}, mapped by hand",
        )
    except EvidenceError as error:
        raise XapiError(XapiErrorCode.MAPPING, str(error)) from error
    statement.mapping_state = MappingState.MAPPED
    statement.mapping_note = f"Mapped by {actor.username}."
    statement.save(update_fields=["mapping_state", "mapping_note"])
    return evidence


@transaction.atomic
def statement_ignore(*, actor: Actor, statement: Statement) -> Statement:
    """An administrator decides a waiting statement is not evidence."""
    if statement.mapping_state != MappingState.UNMAPPED:
        raise XapiError(XapiErrorCode.MAPPING, "This statement is not waiting to be mapped.")
    statement.mapping_state = MappingState.IGNORED
    statement.mapping_note = f"Ignored by {actor.username}."
    statement.save(update_fields=["mapping_state", "mapping_note"])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, subject=statement, detail={"mapping": "ignored"}
    )
    return statement


# Documents: the State, Activity Profile and Agent Profile resources (Communication 2.2-2.7).


@dataclass(frozen=True)
class DocumentAddress:
    """What names one document: the kind and the resource's identifying parameters."""

    kind: str
    document_id: str
    activity_id: str = ""
    agent_key: str = ""
    registration: str = ""


def document_scope(client: XapiClient) -> tuple[str, int | None]:
    """(scope, district id): a district's clients share documents; a client without a district
    has its own."""
    return client_scope(client), client_district_id(client)


def document_key(scope: str, address: DocumentAddress) -> str:
    parts = [
        scope,
        address.kind,
        address.activity_id,
        address.agent_key,
        address.registration,
        address.document_id,
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def document_etag(content: bytes) -> str:
    return hashlib.sha1(content, usedforsecurity=False).hexdigest()


def _json_object(content: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


@transaction.atomic
def document_put(
    *,
    client: XapiClient,
    address: DocumentAddress,
    content: bytes,
    content_type: str,
    merge: bool,
    if_match: str | None = None,
    if_none_match: str | None = None,
    require_precondition: bool = False,
) -> Document:
    """Store a document (PUT), or with `merge` (POST) merge a JSON object into a stored JSON
    object, top-level properties of the new one replacing the old ones.

    `if_match` (an ETag or `*`) and `if_none_match` (`*`) are checked against the stored
    document (412 when they fail); with `require_precondition` (the profile resources' PUT)
    one of them must be given: without, a stored document answers 409 and a new one 400."""
    scope, district_id = document_scope(client)
    key = document_key(scope, address)
    existing = Document.objects.select_for_update().filter(key=key).first()
    if if_match is not None and (
        existing is None or (if_match != "*" and existing.etag not in _etags(if_match))
    ):
        raise XapiError(XapiErrorCode.PRECONDITION, "If-Match does not match the document.")
    if (
        if_none_match is not None
        and existing is not None
        and (if_none_match == "*" or existing.etag in _etags(if_none_match))
    ):
        raise XapiError(XapiErrorCode.PRECONDITION, "The document exists (If-None-Match).")
    if require_precondition and not merge and if_match is None and if_none_match is None:
        if existing is not None:
            raise XapiError(
                XapiErrorCode.CONFLICT,
                "The document exists: send If-Match with its ETag to change it.",
            )
        raise invalid("If-Match", "send If-Match (the ETag) or If-None-Match: * with a profile PUT")
    now = timezone.now()
    if merge and existing is not None:
        old = _json_object(bytes(existing.content))
        new = _json_object(content)
        if old is None or new is None or not existing.content_type.startswith("application/json"):
            raise invalid(
                "body", "POST merges JSON objects only: the stored or the sent document is not one"
            )
        content = json.dumps({**old, **new}).encode()
        content_type = "application/json"
    elif merge and _json_object(content) is None and content_type.startswith("application/json"):
        raise invalid("body", "POST merges JSON objects only: send a JSON object")
    if existing is None:
        existing = Document(
            key=key,
            scope=scope,
            kind=address.kind,
            district_id=district_id,
            client=client,
            activity_id=address.activity_id,
            agent_key=address.agent_key,
            registration=address.registration,
            document_id=address.document_id,
        )
    existing.content = content
    existing.content_type = content_type or "application/octet-stream"
    existing.etag = document_etag(content)
    existing.updated = now
    existing.save()
    return existing


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/").strip('"') for tag in header.split(",")}


@transaction.atomic
def document_delete(
    *,
    client: XapiClient,
    address: DocumentAddress | None = None,
    documents: Any = None,
    if_match: str | None = None,
) -> int:
    """Delete one document (by address; 412 when If-Match fails) or every document of a
    queryset from `selectors.documents_of` (the State resource's DELETE without stateId);
    returns how many were deleted. A document that does not exist is not an error."""
    if address is not None:
        scope, _ = document_scope(client)
        rows = Document.objects.filter(key=document_key(scope, address))
        if if_match is not None:
            existing = rows.first()
            if existing is None or (if_match != "*" and existing.etag not in _etags(if_match)):
                raise XapiError(XapiErrorCode.PRECONDITION, "If-Match does not match.")
        return int(rows.delete()[0])
    return int(documents.delete()[0]) if documents is not None else 0


def xapi_read_audit(
    *, client: XapiClient, student_ids: list[int], resource: str, method: str
) -> AuditEntry | None:
    """One `view` entry for an xAPI read (Statements, State, Agent Profile) that returned data
    about these students, on behalf of the client's owner; none when it named no student."""
    if not student_ids:
        return None
    note_students_read(student_ids)  # the answer is then kept out of caches (no-store)
    return audit_record(
        actor=client.owner,
        action=AuditAction.VIEW,
        subject=client,
        student_id=student_ids[0] if len(student_ids) == 1 else None,
        detail={
            "page": resource,
            "method": method,
            "client": client.username,
            "students": student_ids[:MAX_AUDIT_LISTED],
            "count": len(student_ids),
        },
    )
