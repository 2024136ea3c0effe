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
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from masterypath.continuum.access import access_target_by_code
from masterypath.interop.xapi.auth import client_for_basic_header
from masterypath.interop.xapi.errors import XapiError, XapiErrorCode
from masterypath.interop.xapi.models import XapiClient
from masterypath.interop.xapi.selectors import (
    statement_get,
    statements_query,
    statements_waiting_for,
)
from masterypath.interop.xapi.services import statement_ignore, statement_map, statements_store
from masterypath.interop.xapi.validation import is_uuid, nesting_check
from masterypath.roster.access import students_visible_to

VERSION = "1.0.3"
MAX_BODY_BYTES = 10 * 1024 * 1024


def _headers(response: HttpResponse) -> HttpResponse:
    response["X-Experience-API-Version"] = VERSION
    return response


def _error(status: int, message: str, code: str) -> HttpResponse:
    return _headers(JsonResponse({"error": message, "code": code}, status=status))


def _unauthorized() -> HttpResponse:
    response = _error(401, "Send HTTP Basic credentials of an xAPI client.", "unauthorized")
    response["WWW-Authenticate"] = 'Basic realm="masterypath xAPI"'
    return response


def about(request: HttpRequest) -> HttpResponse:
    return _headers(JsonResponse({"version": [VERSION, "1.0.2", "1.0.1", "1.0.0"]}))


@csrf_exempt
def statements(request: HttpRequest) -> HttpResponse:
    """POST (one or a batch), PUT ?statementId=, GET by id or with filters."""
    version = request.headers.get("X-Experience-API-Version", "")
    if not version.startswith("1.0"):
        return _error(
            400,
            "Send the header X-Experience-API-Version: 1.0.3 (any 1.0.x is accepted).",
            XapiErrorCode.VERSION.value,
        )
    client = client_for_basic_header(request.headers.get("Authorization", ""))
    if client is None:
        return _unauthorized()
    try:
        if request.method == "POST":
            return _post(request, client)
        if request.method == "PUT":
            return _put(request, client)
        if request.method in {"GET", "HEAD"}:
            return _get(request, client)
    except XapiError as error:
        return _error(error.status, error.message, error.code.value)
    return _error(405, f"{request.method} is not supported here.", "method")


def raw_body(request: HttpRequest) -> bytes:
    """The request body, read here under the xAPI limit (MAX_BODY_BYTES) rather than Django's
    DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MiB for forms), which `request.body` enforces with an HTML
    400; over the limit the answer is a JSON 413. Read once, then kept as `request.body`."""
    if getattr(request, "_read_started", False):
        return request.body
    too_large = XapiError(
        XapiErrorCode.TOO_LARGE,
        f"The request body is larger than {MAX_BODY_BYTES // (1024 * 1024)} MiB.",
    )
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        raise too_large
    data = request.read(MAX_BODY_BYTES + 1)
    if len(data) > MAX_BODY_BYTES:
        raise too_large
    request._body = data  # what HttpRequest.body caches itself
    return data


def _decode(request: HttpRequest) -> Any:
    content_type = request.content_type or ""
    if content_type.startswith("multipart/"):
        raise XapiError(
            XapiErrorCode.INVALID,
            "Attachments sent as multipart/mixed are not supported; use fileUrl attachments.",
        )
    if content_type and content_type != "application/json":
        raise XapiError(XapiErrorCode.INVALID, "Send statements as application/json.")
    body = raw_body(request)
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


def _post(request: HttpRequest, client: XapiClient) -> HttpResponse:
    body = _decode(request)
    batch = isinstance(body, list)
    ids = statements_store(client=client, statements=body if batch else [body], batch=batch)
    return _headers(HttpResponse(json.dumps(ids), content_type="application/json"))


def _put(request: HttpRequest, client: XapiClient) -> HttpResponse:
    statement_id = request.GET.get("statementId", "")
    if not is_uuid(statement_id):
        raise XapiError(XapiErrorCode.INVALID, "PUT needs a statementId parameter (a UUID).")
    body = _decode(request)
    if isinstance(body, list):
        raise XapiError(XapiErrorCode.INVALID, "PUT takes one statement, not an array.")
    statements_store(client=client, statements=[body], put_id=statement_id.lower())
    return _headers(HttpResponse(status=204))


def _get(request: HttpRequest, client: XapiClient) -> HttpResponse:
    params = {key: request.GET[key] for key in request.GET}
    if any("\x00" in key or "\x00" in value for key, value in params.items()):
        raise XapiError(XapiErrorCode.INVALID, "Parameters must not contain the NUL character.")
    consistent = timezone.now().isoformat()
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
            response = HttpResponse(row.payload, content_type="application/json")
            response["X-Experience-API-Consistent-Through"] = consistent
            return _headers(response)
    page = statements_query(client=client, params=params)
    more = ""
    if page.cursor is not None:
        more = request.path + "?" + urlencode({**params, "cursor": page.cursor})
    body = '{"statements":[' + ",".join(page.payloads) + '],"more":' + json.dumps(more) + "}"
    response = HttpResponse(body, content_type="application/json")
    response["X-Experience-API-Consistent-Through"] = consistent
    return _headers(response)


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
