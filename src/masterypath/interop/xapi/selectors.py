"""Reads of stored statements: the Statements resource's GET and the admin's waiting list."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from masterypath.accounts.actors import Actor
from masterypath.accounts.models import User
from masterypath.interop.xapi.errors import XapiError, XapiErrorCode, invalid
from masterypath.interop.xapi.models import (
    AttachmentContent,
    Document,
    MappingState,
    Statement,
    XapiClient,
)
from masterypath.interop.xapi.validation import (
    agent_key,
    is_uuid,
    nesting_check,
    parse_timestamp,
    statement_check,
)
from masterypath.schools.access import district_id_of

MAX_LIMIT = 500
FILTERS = frozenset(
    {
        "agent",
        "verb",
        "activity",
        "registration",
        "related_activities",
        "related_agents",
        "since",
        "until",
        "limit",
        "format",
        "attachments",
        "ascending",
        "cursor",
    }
)


def client_district_id(client: XapiClient) -> int | None:
    """The district whose statements `client` reads and voids: its owner's; None when it has
    no owner or the owner belongs to no district (an operator)."""
    return district_id_of(client.owner) if client.owner_id is not None else None


def statements_of(client: XapiClient) -> QuerySet[Statement]:
    """Every statement `client` may read or void: those of its district, or, for a client with
    no district, only those it sent itself."""
    district_id = client_district_id(client)
    if district_id is None:
        return Statement.objects.filter(client=client, district__isnull=True)
    return Statement.objects.filter(district_id=district_id)


def statement_get(*, client: XapiClient, statement_id: str, voided: bool) -> Statement:
    """One statement of `client`'s scope by id: `voided=False` finds live ones, `voided=True`
    only voided ones; another district's statement is not found."""
    row = statements_of(client).filter(statement_id=statement_id, is_voided=voided).first()
    if row is None:
        raise XapiError(XapiErrorCode.NOT_FOUND, f"No statement {statement_id}.")
    return row


def _flag(params: dict[str, str], name: str) -> bool:
    value = params.get(name, "false").lower()
    if value not in {"true", "false"}:
        raise invalid(name, "must be true or false")
    return value == "true"


def agent_param(raw: str) -> str:
    """The key of the Agent or Group in an `agent` parameter (JSON); 400 when invalid."""
    nesting_check(raw, "agent")
    try:
        agent = json.loads(raw)
    except ValueError as error:
        raise invalid("agent", "must be a JSON Agent or Group") from error
    if not isinstance(agent, dict):
        raise invalid("agent", "must be a JSON Agent or Group")
    statement_check(
        {"actor": agent, "verb": {"id": "urn:x:v"}, "object": {"id": "urn:x:o"}}, "agent"
    )
    key = agent_key(agent)
    if not key:
        raise invalid("agent", "needs an identifier (mbox, mbox_sha1sum, openid or account)")
    return key


@dataclass(frozen=True)
class Page:
    payloads: list[str]
    cursor: int | None  # the id to continue after, when there may be more


def statements_query(*, client: XapiClient, params: dict[str, str]) -> Page:
    """Live statements of `client`'s scope matching the xAPI filters, newest stored first
    unless ascending."""
    unknown = set(params) - FILTERS
    if unknown:
        raise invalid(sorted(unknown)[0], "is not a Statements resource parameter")
    scope = statements_of(client)
    match = Q()
    if "agent" in params:
        key = agent_param(params["agent"])
        if _flag(params, "related_agents"):
            match &= Q(actor_key=key) | Q(related_agents__contains=f"\n{key}\n")
        else:
            match &= Q(actor_key=key)
    if "verb" in params:
        match &= Q(verb_id=params["verb"])
    if "activity" in params:
        activity = params["activity"]
        if _flag(params, "related_activities"):
            match &= Q(activity_id=activity) | Q(related_activities__contains=f"\n{activity}\n")
        else:
            match &= Q(activity_id=activity)
    if "registration" in params:
        match &= Q(registration=_uuid_param(params["registration"]))
    rows: QuerySet[Statement] = scope.filter(is_voided=False)
    if match:
        # A statement whose object is a StatementRef to a matching statement (voided or not)
        # matches too (Communication 2.1.3: filters apply to the targeted statement).
        targeted = scope.filter(match).values("statement_id")
        rows = rows.filter(match | Q(object_ref__in=targeted))
    if "since" in params:
        rows = rows.filter(stored__gt=parse_timestamp(params["since"], "since"))
    if "until" in params:
        rows = rows.filter(stored__lte=parse_timestamp(params["until"], "until"))
    if params.get("format", "exact") not in {"exact", "ids", "canonical"}:
        raise invalid("format", "must be exact, ids or canonical")
    ascending = _flag(params, "ascending")
    _flag(params, "attachments")
    limit = _int(params.get("limit", "0"), "limit")
    limit = MAX_LIMIT if limit == 0 else min(limit, MAX_LIMIT)
    if "cursor" in params:
        after = _int(params["cursor"], "cursor")
        rows = rows.filter(id__gt=after) if ascending else rows.filter(id__lt=after)
    rows = rows.order_by("id" if ascending else "-id")
    found = list(rows.values_list("id", "payload")[: limit + 1])
    more = len(found) > limit
    found = found[:limit]
    return Page(
        payloads=[payload for _, payload in found], cursor=found[-1][0] if more and found else None
    )


def _int(raw: str, name: str) -> int:
    if not raw.isdigit():
        raise invalid(name, "must be a non-negative integer")
    return int(raw)


def _uuid_param(raw: str) -> str:
    if not is_uuid(raw):
        raise invalid("registration", "must be a UUID")
    return raw


def statements_waiting_for(*, user: Actor) -> QuerySet[Statement]:
    """Unmapped statements of the user's district (all for a superuser)."""
    rows = Statement.objects.filter(mapping_state=MappingState.UNMAPPED, is_voided=False)
    if user.is_superuser:
        return rows.select_related("client")
    staff = getattr(user, "staff", None)
    if staff is None or not isinstance(user, User) or user.role != "district_admin":
        return rows.none()
    return rows.filter(district_id=staff.district_id).select_related("client")


def documents_of(
    *,
    client: XapiClient,
    kind: str,
    activity_id: str = "",
    agent_key: str = "",
    registration: str | None = None,
    since: datetime | None = None,
) -> QuerySet[Document]:
    """The documents of one kind in `client`'s scope for these parameters (the listing of ids
    and the State resource's DELETE without stateId). `registration=None` means any."""
    district_id = client_district_id(client)
    scope = f"d{district_id}" if district_id is not None else f"c{client.pk}"
    rows = Document.objects.filter(scope=scope, kind=kind)
    if activity_id:
        rows = rows.filter(activity_id=activity_id)
    if agent_key:
        rows = rows.filter(agent_key=agent_key)
    if registration is not None:
        rows = rows.filter(registration=registration)
    if since is not None:
        rows = rows.filter(updated__gt=since)
    return rows


def document_get(*, client: XapiClient, key: str) -> Document:
    """One document by its key (see services.document_key); 404 when absent."""
    row = Document.objects.filter(key=key).first()
    if row is None:
        raise XapiError(XapiErrorCode.NOT_FOUND, "No such document.")
    return row


def activity_object(*, client: XapiClient, activity_id: str) -> dict[str, Any]:
    """The Activity as the statements of `client`'s scope describe it: the definitions of
    every statement naming it, merged in the order stored (language maps merged per language,
    other properties the latest)."""
    rows = (
        statements_of(client)
        .filter(related_activities__contains=f"\n{activity_id}\n")
        .order_by("id")
        .values_list("payload", flat=True)[:1000]
    )
    definition: dict[str, Any] = {}
    for payload in rows:
        for activity in _activities_in(json.loads(payload)):
            if activity.get("id") != activity_id or not isinstance(
                activity.get("definition"), dict
            ):
                continue
            for key, value in activity["definition"].items():
                if key in {"name", "description", "extensions"} and isinstance(value, dict):
                    definition[key] = {**definition.get(key, {}), **value}
                else:
                    definition[key] = value
    result: dict[str, Any] = {"objectType": "Activity", "id": activity_id}
    if definition:
        result["definition"] = definition
    return result


def _activities_in(statement: dict[str, Any]) -> list[dict[str, Any]]:
    """The activity objects of a statement: its object, a sub-statement's object, and the
    context activities of both."""
    found: list[dict[str, Any]] = []
    parts = [statement]
    target = statement.get("object")
    if isinstance(target, dict) and target.get("objectType") == "SubStatement":
        parts.append(target)
    for part in parts:
        target = part.get("object")
        if isinstance(target, dict) and target.get("objectType", "Activity") == "Activity":
            found.append(target)
        context = part.get("context")
        activities = context.get("contextActivities") if isinstance(context, dict) else None
        if isinstance(activities, dict):
            for items in activities.values():
                listed = items if isinstance(items, list) else [items]
                found.extend(item for item in listed if isinstance(item, dict))
    return found


def attachment_data(*, client: XapiClient, sha2s: list[str]) -> list[tuple[str, str, bytes]]:
    """(sha2, content type, data) of the attachments kept in `client`'s scope, in the order
    asked; an attachment sent only by fileUrl has no data here and is left out."""
    if not sha2s:
        return []
    district_id = client_district_id(client)
    scope = f"d{district_id}" if district_id is not None else f"c{client.pk}"
    rows = {row.sha2: row for row in AttachmentContent.objects.filter(scope=scope, sha2__in=sha2s)}
    return [
        (sha2, rows[sha2].content_type, bytes(rows[sha2].content)) for sha2 in sha2s if sha2 in rows
    ]
