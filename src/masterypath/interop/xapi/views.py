"""The xAPI 1.0.3 Statements resource and /about, and the administrator's mapping page."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import http_date
from django.views.decorators.http import require_POST

from masterypath.continuum.access import access_target_by_code
from masterypath.interop.xapi import protocol
from masterypath.interop.xapi.attachments import (
    Part,
    attachment_parts,
    boundary_of,
    multipart_response,
    parts_of,
    sha2s_in,
    statements_part,
)
from masterypath.interop.xapi.errors import XapiError, XapiErrorCode
from masterypath.interop.xapi.formats import FORMATS, accepted_languages, formatted
from masterypath.interop.xapi.mapping import students_named
from masterypath.interop.xapi.models import XapiClient
from masterypath.interop.xapi.protocol import VERSION, Call, with_headers, xapi_endpoint
from masterypath.interop.xapi.selectors import (
    attachment_data,
    statement_get,
    statements_query,
    statements_waiting_for,
)
from masterypath.interop.xapi.services import (
    statement_ignore,
    statement_map,
    statements_store,
    xapi_read_audit,
)
from masterypath.interop.xapi.validation import is_uuid, nesting_check
from masterypath.roster.access import students_visible_to

MAX_BODY_BYTES = protocol.MAX_BODY_BYTES


def about(request: HttpRequest) -> HttpResponse:
    return with_headers(JsonResponse({"version": [VERSION, "1.0.2", "1.0.1", "1.0.0"]}))


@xapi_endpoint
def statements(call: Call) -> HttpResponse:
    """POST (one or a batch), PUT ?statementId=, GET (and HEAD) by id or with filters."""
    assert call.client is not None  # noqa: S101 - xapi_endpoint checked the credentials
    if call.method == "POST":
        return _post(call, call.client)
    if call.method == "PUT":
        return _put(call, call.client)
    if call.method in {"GET", "HEAD"}:
        return _get(call, call.client)
    raise XapiError(XapiErrorCode.METHOD, f"{call.method} is not supported here.")


def _decode(call: Call) -> tuple[Any, dict[str, Part] | None]:
    """The statement(s) of a request, and the attachment parts of a multipart one."""
    content_type = call.content_type
    if content_type == "multipart/mixed":
        parts = parts_of(call.body, boundary_of(call.header("Content-Type")))
        return decode_json(statements_part(parts)), attachment_parts(parts)
    if content_type and content_type != "application/json":
        raise XapiError(
            XapiErrorCode.INVALID, "Send statements as application/json or multipart/mixed."
        )
    return decode_json(call.body), None


def decode_json(body: bytes) -> Any:
    """A JSON body, its nesting checked before it is parsed; NUL characters refused."""
    if b"\\u0000" in body:
        # PostgreSQL text cannot hold NUL; refusing it keeps both databases alike.
        raise XapiError(XapiErrorCode.INVALID, "Strings must not contain the NUL character.")
    try:
        # what json.loads does with bytes, so that the depth is checked before it parses
        text = body.decode(json.detect_encoding(body), "surrogatepass")
    except ValueError as error:
        raise XapiError(XapiErrorCode.INVALID, f"The body is not valid JSON: {error}") from error
    nesting_check(text, "body")
    try:
        return json.loads(text)
    except ValueError as error:
        raise XapiError(XapiErrorCode.INVALID, f"The body is not valid JSON: {error}") from error


def _post(call: Call, client: XapiClient) -> HttpResponse:
    body, parts = _decode(call)
    batch = isinstance(body, list)
    ids = statements_store(
        client=client, statements=body if batch else [body], batch=batch, parts=parts
    )
    return HttpResponse(json.dumps(ids), content_type="application/json")


def _put(call: Call, client: XapiClient) -> HttpResponse:
    statement_id = call.params.get("statementId", "")
    if not is_uuid(statement_id):
        raise XapiError(XapiErrorCode.INVALID, "PUT needs a statementId parameter (a UUID).")
    body, parts = _decode(call)
    if isinstance(body, list):
        raise XapiError(XapiErrorCode.INVALID, "PUT takes one statement, not an array.")
    statements_store(client=client, statements=[body], put_id=statement_id.lower(), parts=parts)
    return HttpResponse(status=204)


def _get(call: Call, client: XapiClient) -> HttpResponse:
    params = dict(call.params)
    if any("\x00" in key or "\x00" in value for key, value in params.items()):
        raise XapiError(XapiErrorCode.INVALID, "Parameters must not contain the NUL character.")
    consistent = timezone.now().isoformat()
    form = params.get("format", "exact")
    if form not in FORMATS:
        raise XapiError(XapiErrorCode.INVALID, "format: must be exact, ids or canonical")
    languages = accepted_languages(call.header("Accept-Language"))
    attachments_flag = params.get("attachments", "false").lower()
    if attachments_flag not in {"true", "false"}:
        raise XapiError(XapiErrorCode.INVALID, "attachments: must be true or false")
    with_data = attachments_flag == "true"
    for name, voided in (("statementId", False), ("voidedStatementId", True)):
        if name in params:
            statement_id = params.pop(name)
            if set(params) - {"format", "attachments"}:
                raise XapiError(
                    XapiErrorCode.INVALID, f"{name} takes no other parameter than format."
                )
            if not is_uuid(statement_id):
                raise XapiError(XapiErrorCode.INVALID, f"{name} must be a UUID.")
            row = statement_get(client=client, statement_id=statement_id, voided=voided)
            _audit_statements_read(call, client, [row.payload])
            response = _answer(
                client, formatted(row.payload, form, languages), [row.payload], with_data
            )
            response["X-Experience-API-Consistent-Through"] = consistent
            response["Last-Modified"] = http_date(row.stored.timestamp())
            return response
    page = statements_query(client=client, params=params)
    _audit_statements_read(call, client, page.payloads)
    more = ""
    if page.cursor is not None:
        more = call.path + "?" + urlencode({**params, "cursor": page.cursor})
    payloads = [formatted(payload, form, languages) for payload in page.payloads]
    body = '{"statements":[' + ",".join(payloads) + '],"more":' + json.dumps(more) + "}"
    response = _answer(client, body, page.payloads, with_data)
    response["X-Experience-API-Consistent-Through"] = consistent
    return response


def _audit_statements_read(call: Call, client: XapiClient, payloads: list[str]) -> None:
    """One audit entry naming the students whose statements a GET returns (not for HEAD)."""
    if call.method != "GET" or not payloads:
        return
    students = students_named(
        owner=client.owner, statements=(json.loads(payload) for payload in payloads)
    )
    xapi_read_audit(
        client=client, student_ids=students, resource="xapi-statements", method=call.method
    )


def _answer(client: XapiClient, body: str, payloads: list[str], with_data: bool) -> HttpResponse:
    """JSON, or with `attachments=true` multipart/mixed with the attachments' data after it."""
    if not with_data:
        return HttpResponse(body, content_type="application/json")
    data = attachment_data(client=client, sha2s=sha2s_in(payloads))
    content, content_type = multipart_response(body, data)
    return HttpResponse(content, content_type=content_type)


@login_required
def unmapped(request: HttpRequest) -> HttpResponse:
    """District administrators see statements that did not become evidence, and map them."""
    waiting = statements_waiting_for(user=request.user)
    if not (request.user.is_superuser or getattr(request.user, "role", "") == "district_admin"):
        raise Http404("No such page.")
    page = Paginator(waiting.order_by("-id"), 50).get_page(request.GET.get("page"))
    rows = []
    for row in page:
        payload = json.loads(row.payload)
        rows.append(
            {
                "row": row,
                "actor": payload.get("actor"),
                "object": payload.get("object"),
                "result": payload.get("result"),
            }
        )
    return render(request, "xapi/unmapped.html", {"page": page, "rows": rows})


@login_required
@require_POST
def unmapped_resolve(request: HttpRequest, statement_pk: int) -> HttpResponse:
    statement = get_object_or_404(statements_waiting_for(user=request.user), pk=statement_pk)
    try:
        if request.POST.get("action") == "ignore":
            statement_ignore(actor=request.user, statement=statement)
            messages.success(request, "The statement is ignored.")
            return redirect("xapi-unmapped")
        student = (
            students_visible_to(request.user)
            .filter(local_id=request.POST.get("student", "").strip())
            .first()
        )
        try:
            target = access_target_by_code(request.user, request.POST.get("target", ""))
        except Http404:
            target = None
        if student is None or target is None:
            raise XapiError(XapiErrorCode.MAPPING, "Give a known student id and target code.")
        try:
            score = Decimal(request.POST.get("score", "").strip())
        except InvalidOperation as error:
            raise XapiError(XapiErrorCode.MAPPING, "The score must be a number.") from error
        statement_map(
            actor=request.user, statement=statement, student=student, target=target, score=score
        )
        messages.success(request, f"Recorded as evidence for {student} on {target.code}.")
    except XapiError as error:
        messages.error(request, error.message)
    return redirect("xapi-unmapped")
