"""Swagger UI served from django-ninja's own bundled files: no CDN, no INSTALLED_APPS entry."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from ninja.openapi.docs import DocsBase

STATIC = Path(ninja.__file__).resolve().parent / "static" / "ninja"
FILES = {"swagger-ui-bundle.js", "swagger-ui.css", "favicon.png"}

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="{base}assets/swagger-ui.css"></head>
<body><main><h1 style="font-family:sans-serif;margin:1rem">{title}</h1>
<div id="swagger-ui"></div></main>
<script src="{base}assets/swagger-ui-bundle.js"></script>
<script src="{base}assets/docs-init.js"></script></body></html>"""

INIT = """window.ui = SwaggerUIBundle({url: "%s", dom_id: "#swagger-ui", deepLinking: true});"""


class LocalSwagger(DocsBase):
    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        base = request.path.rsplit("docs", 1)[0]
        return HttpResponse(PAGE.format(title=f"{api.title} {api.version}", base=base))


def asset(request: HttpRequest, name: str) -> HttpResponse | FileResponse:
    if name == "docs-init.js":
        base = request.path.rsplit("assets/", 1)[0]
        return HttpResponse(INIT % f"{base}openapi.json", content_type="text/javascript")
    if name not in FILES:
        raise Http404("No such file.")
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse((STATIC / name).open("rb"), content_type=content_type)
