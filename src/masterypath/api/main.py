"""The REST API (django-ninja) at /api/v1/: schema at /api/v1/openapi.json, docs at /api/v1/docs.

Errors always have a JSON body: `{"detail": "...", "code": "..."}` (422 validation errors
list each problem under `detail`).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from masterypath.api import evidence, frameworks, mastery, people
from masterypath.api.auth import AUTH
from masterypath.api.docs import LocalSwagger
from masterypath.common.errors import ApplicationError
from masterypath.evidence.errors import EvidenceErrorCode

api = NinjaAPI(
    title="masterypath API",
    version="1.0.0",
    urls_namespace="api-v1",
    auth=AUTH,
    docs=LocalSwagger(),
    docs_url="/docs",
    description=(
        "Students, sections, frameworks, targets, evidence and mastery, with the same access "
        "rules as the pages. Authenticate with `Authorization: Bearer USERNAME.PASSWORD` "
        "(an integration client's token) or a signed-in browser session."
    ),
)
api.add_router("/", people.router)
api.add_router("/", frameworks.router)
api.add_router("/", evidence.router)
api.add_router("/", mastery.router)


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    status = 403 if error.code == EvidenceErrorCode.NOT_ALLOWED else 400
    return api.create_response(
        request, {"detail": error.message, "code": str(error.code.value)}, status=status
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return api.create_response(
        request, {"detail": str(error) or "Not found.", "code": "not_found"}, status=404
    )


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {
            "detail": "Sign in, or send Authorization: Bearer USERNAME.PASSWORD.",
            "code": "unauthorized",
        },
        status=401,
    )
