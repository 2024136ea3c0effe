"""One xAPI request as the resources see it, whichever syntax carried it (Communication 1.3).

A plain request is its method, headers, query parameters and body. The alternate request syntax
is a POST with the single query parameter `method=GET|PUT|POST|DELETE|HEAD` and a form body
whose `Authorization`, `X-Experience-API-Version`, `Content-Type`, `Content-Length`, `If-Match`
and `If-None-Match` fields count as headers, `content` as the body, and the other fields as
the resource's parameters. `xapi_endpoint` wraps a resource: it reads the body under the xAPI
limit, unwraps the alternate syntax, checks the version header and the credentials, and turns
an `XapiError` into a JSON answer; every answer carries `X-Experience-API-Version` and
`X-Experience-API-Consistent-Through`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from urllib.parse import parse_qs

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from masterypath.interop.xapi.auth import client_for_basic_header
from masterypath.interop.xapi.errors import XapiError, XapiErrorCode, invalid
from masterypath.interop.xapi.models import XapiClient

VERSION = "1.0.3"
MAX_BODY_BYTES = 10 * 1024 * 1024
_VERSION = re.compile(r"^1\.0(\.\d+)?$")
METHODS = frozenset({"GET", "PUT", "POST", "DELETE", "HEAD"})
FORM_HEADERS = {
    "authorization": "Authorization",
    "x-experience-api-version": "X-Experience-API-Version",
    "content-type": "Content-Type",
    "content-length": "Content-Length",
    "if-match": "If-Match",
    "if-none-match": "If-None-Match",
}


@dataclass
class Call:
    """What a resource answers: method, headers (names lower-cased), parameters, body."""

    method: str
    headers: dict[str, str]
    params: dict[str, str]
    body: bytes
    client: XapiClient | None = None
    path: str = ""

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    @property
    def content_type(self) -> str:
        return self.header("content-type").split(";")[0].strip().lower()


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


def call_from(request: HttpRequest) -> Call:
    """The Call a plain or an alternate-syntax request makes."""
    headers = {name.lower(): value for name, value in request.headers.items()}
    params = {key: request.GET[key] for key in request.GET}
    body = raw_body(request)
    method = (request.method or "GET").upper()
    if "method" not in params:
        return Call(method=method, headers=headers, params=params, body=body, path=request.path)
    if method != "POST":
        raise invalid("method", "the alternate request syntax is a POST")
    if set(params) != {"method"}:
        raise invalid(
            sorted(set(params) - {"method"})[0],
            "with the alternate request syntax, send parameters in the form body",
        )
    wanted = params["method"].upper()
    if wanted not in METHODS:
        raise invalid("method", f"must be one of {', '.join(sorted(METHODS))}")
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise invalid("Content-Type", "the alternate request syntax sends a form")
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError as error:
        raise invalid("body", "the form is not UTF-8") from error
    form = {key: values[-1] for key, values in fields.items()}
    # Headers sent as headers still count; the form's fields replace them.
    new_headers = {k: v for k, v in headers.items() if k not in {"content-type", "content-length"}}
    new_params: dict[str, str] = {}
    content = b""
    for key, value in form.items():
        if key.lower() in FORM_HEADERS:
            new_headers[key.lower()] = value
        elif key == "content":
            content = value.encode("utf-8")
        else:
            new_params[key] = value
    if content and "content-type" not in {k.lower() for k in form}:
        new_headers["content-type"] = "application/json"
    elif "content-type" not in {k.lower() for k in form}:
        new_headers.pop("content-type", None)
    return Call(
        method=wanted, headers=new_headers, params=new_params, body=content, path=request.path
    )


def with_headers(response: HttpResponse) -> HttpResponse:
    response["X-Experience-API-Version"] = VERSION
    if "X-Experience-API-Consistent-Through" not in response:
        response["X-Experience-API-Consistent-Through"] = timezone.now().isoformat()
    return response


def error_response(status: int, message: str, code: str) -> HttpResponse:
    return with_headers(JsonResponse({"error": message, "code": code}, status=status))


def json_response(body: object, status: int = 200) -> HttpResponse:
    return with_headers(
        HttpResponse(json.dumps(body), content_type="application/json", status=status)
    )


def _unauthorized() -> HttpResponse:
    response = error_response(401, "Send HTTP Basic credentials of an xAPI client.", "unauthorized")
    response["WWW-Authenticate"] = 'Basic realm="masterypath xAPI"'
    return response


Handler = Callable[[Call], HttpResponse]


def xapi_endpoint(handler: Handler) -> Callable[[HttpRequest], HttpResponse]:
    """A resource view: unwrap, check version and credentials, answer errors as JSON."""

    @csrf_exempt
    @wraps(handler)
    def view(request: HttpRequest) -> HttpResponse:
        try:
            call = call_from(request)
        except XapiError as error:
            return error_response(error.status, error.message, error.code.value)
        if not _VERSION.match(call.header("X-Experience-API-Version")):
            return error_response(
                400,
                "Send the header X-Experience-API-Version: 1.0.3 (any 1.0.x is accepted).",
                XapiErrorCode.VERSION.value,
            )
        call.client = client_for_basic_header(call.header("Authorization"))
        if call.client is None:
            return _unauthorized()
        try:
            response = handler(call)
        except XapiError as error:
            return error_response(error.status, error.message, error.code.value)
        if call.method == "HEAD":
            response.content = b""
        return with_headers(response)

    return view
