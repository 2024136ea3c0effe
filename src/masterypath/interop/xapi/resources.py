"""The document resources (State, Activity Profile, Agent Profile) and the Agents and
Activities resources of xAPI 1.0.3 (Communication 2.3-2.7). Thin views: the parameters are
checked here, the writes are in services.py, the reads in selectors.py."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils.http import http_date

from masterypath.interop.xapi.errors import XapiError, XapiErrorCode, invalid
from masterypath.interop.xapi.mapping import agent_student
from masterypath.interop.xapi.models import DocumentKind, XapiClient
from masterypath.interop.xapi.protocol import Call, xapi_endpoint
from masterypath.interop.xapi.selectors import (
    activity_object,
    agent_param,
    document_get,
    documents_of,
)
from masterypath.interop.xapi.services import (
    DocumentAddress,
    document_delete,
    document_key,
    document_put,
    document_scope,
    xapi_read_audit,
)
from masterypath.interop.xapi.validation import IRI, is_uuid, parse_timestamp


@dataclass(frozen=True)
class _Spec:
    kind: str
    id_name: str  # stateId or profileId
    activity: bool  # takes activityId
    agent: bool  # takes agent
    registration: bool  # takes registration
    # PUT replacing an existing document needs If-Match or If-None-Match (the profiles)
    needs_precondition: bool


STATE = _Spec(DocumentKind.STATE.value, "stateId", True, True, True, False)
ACTIVITY_PROFILE = _Spec(DocumentKind.ACTIVITY_PROFILE.value, "profileId", True, False, False, True)
AGENT_PROFILE = _Spec(DocumentKind.AGENT_PROFILE.value, "profileId", False, True, False, True)


def _iri_param(params: dict[str, str], name: str) -> str:
    value = params.get(name)
    if value is None:
        raise invalid(name, "is required")
    if not IRI.match(value):
        raise invalid(name, f"must be an IRI, got {value!r}")
    return value


def _address(spec: _Spec, call: Call, *, document_id: str) -> DocumentAddress:
    params = call.params
    allowed = {spec.id_name, "since"}
    allowed |= {"activityId"} if spec.activity else set()
    allowed |= {"agent"} if spec.agent else set()
    allowed |= {"registration"} if spec.registration else set()
    unknown = set(params) - allowed
    if unknown:
        raise invalid(sorted(unknown)[0], "is not a parameter of this resource")
    activity_id = _iri_param(params, "activityId") if spec.activity else ""
    agent_key = ""
    if spec.agent:
        if "agent" not in params:
            raise invalid("agent", "is required")
        agent_key = agent_param(params["agent"])
    registration = ""
    if spec.registration and "registration" in params:
        if not is_uuid(params["registration"]):
            raise invalid("registration", "must be a UUID")
        registration = params["registration"].lower()
    return DocumentAddress(
        kind=spec.kind,
        document_id=document_id,
        activity_id=activity_id,
        agent_key=agent_key,
        registration=registration,
    )


def _document_resource(spec: _Spec, call: Call) -> HttpResponse:
    assert call.client is not None  # noqa: S101 - xapi_endpoint checked the credentials
    client = call.client
    document_id = call.params.get(spec.id_name)
    address = _address(spec, call, document_id=document_id or "")
    if call.method in {"PUT", "POST"}:
        if document_id is None:
            raise invalid(spec.id_name, "is required")
        content_type = call.header("Content-Type").split(";")[0].strip().lower()
        if call.method == "POST" and content_type == "application/json":
            try:
                json.loads(call.body)
            except (ValueError, UnicodeDecodeError) as error:
                raise invalid("body", "is not valid JSON") from error
        document = document_put(
            client=client,
            address=address,
            content=call.body,
            content_type=call.header("Content-Type") or "application/octet-stream",
            merge=call.method == "POST",
            if_match=call.header("If-Match") or None,
            if_none_match=call.header("If-None-Match") or None,
            require_precondition=spec.needs_precondition,
        )
        response = HttpResponse(status=204)
        response["ETag"] = f'"{document.etag}"'
        return response
    if call.method in {"GET", "HEAD"}:
        if document_id is not None:
            if "since" in call.params:
                raise invalid("since", f"is not used with {spec.id_name}")
            scope, _ = document_scope(client)
            document = document_get(client=client, key=document_key(scope, address))
            response = HttpResponse(bytes(document.content), content_type=document.content_type)
            response["ETag"] = f'"{document.etag}"'
            response["Last-Modified"] = http_date(document.updated.timestamp())
            _audit_agent_read(spec, call, client)
            return response
        since = parse_timestamp(call.params["since"], "since") if "since" in call.params else None
        rows = documents_of(
            client=client,
            kind=spec.kind,
            activity_id=address.activity_id,
            agent_key=address.agent_key,
            registration=address.registration if "registration" in call.params else None,
            since=since,
        )
        ids = list(rows.order_by("id").values_list("document_id", flat=True))
        _audit_agent_read(spec, call, client)
        return HttpResponse(json.dumps(ids), content_type="application/json")
    if call.method == "DELETE":
        if document_id is not None:
            document_delete(
                client=client, address=address, if_match=call.header("If-Match") or None
            )
        elif spec.kind == DocumentKind.STATE.value:
            rows = documents_of(
                client=client,
                kind=spec.kind,
                activity_id=address.activity_id,
                agent_key=address.agent_key,
                registration=address.registration if "registration" in call.params else None,
            )
            document_delete(client=client, documents=rows)
        else:
            raise invalid(spec.id_name, "is required")
        return HttpResponse(status=204)
    raise XapiError(XapiErrorCode.METHOD, f"{call.method} is not supported here.")


def _audit_agent_read(spec: _Spec, call: Call, client: XapiClient) -> None:
    """A State or Agent Profile GET answered about a student's agent (a document, or the list
    of its document ids): one entry naming the student. `_address` checked the parameter."""
    if call.method != "GET" or not spec.agent:
        return
    student = agent_student(owner=client.owner, agent=json.loads(call.params["agent"]))
    resource = "xapi-state" if spec.kind == DocumentKind.STATE.value else "xapi-agent-profile"
    xapi_read_audit(
        client=client,
        student_ids=[student] if student is not None else [],
        resource=resource,
        method=call.method,
    )


@xapi_endpoint
def state(call: Call) -> HttpResponse:
    return _document_resource(STATE, call)


@xapi_endpoint
def activity_profile(call: Call) -> HttpResponse:
    return _document_resource(ACTIVITY_PROFILE, call)


@xapi_endpoint
def agent_profile(call: Call) -> HttpResponse:
    return _document_resource(AGENT_PROFILE, call)


@xapi_endpoint
def agents(call: Call) -> HttpResponse:
    """The Person object of an agent: its names and identifiers as arrays (this LRS does not
    join agents into persons, so the Person holds the one agent asked about)."""
    if call.method not in {"GET", "HEAD"}:
        raise XapiError(XapiErrorCode.METHOD, f"{call.method} is not supported here.")
    unknown = set(call.params) - {"agent"}
    if unknown:
        raise invalid(sorted(unknown)[0], "is not a parameter of this resource")
    if "agent" not in call.params:
        raise invalid("agent", "is required")
    agent_param(call.params["agent"])
    agent = json.loads(call.params["agent"])
    person: dict[str, object] = {"objectType": "Person"}
    for key in ("name", "mbox", "mbox_sha1sum", "openid", "account"):
        if key in agent:
            person[key] = [agent[key]]
    return HttpResponse(json.dumps(person), content_type="application/json")


@xapi_endpoint
def activities(call: Call) -> HttpResponse:
    """The Activity object with the definition merged from the statements naming it."""
    assert call.client is not None  # noqa: S101 - xapi_endpoint checked the credentials
    if call.method not in {"GET", "HEAD"}:
        raise XapiError(XapiErrorCode.METHOD, f"{call.method} is not supported here.")
    unknown = set(call.params) - {"activityId"}
    if unknown:
        raise invalid(sorted(unknown)[0], "is not a parameter of this resource")
    activity_id = _iri_param(call.params, "activityId")
    body = activity_object(client=call.client, activity_id=activity_id)
    return HttpResponse(json.dumps(body), content_type="application/json")
