"""Charts render as SVG from our own static files, without eval, with their tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import assert_accessible

TEMPLATES = Path(__file__).resolve().parent / "templates"


@pytest.fixture
def chart_page(settings: Any) -> None:
    settings.ROOT_URLCONF = "tests.browser.chart_urls"
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [TEMPLATES]}]


def test_every_chart_kind_renders_marks(
    page: Any, live_server: Any, transactional_db: None, chart_page: None
) -> None:
    """Line, track and bar charts each draw an SVG with marks; nothing is fetched from a CDN
    and the page runs under a CSP that forbids eval."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route(
        "**/chart-test/",
        lambda route: route.fulfill(
            response=route.fetch(),
            headers={
                **route.fetch().headers,
                "content-security-policy": "default-src 'self'; script-src 'self'; "
                "style-src 'self' 'unsafe-inline'",
            },
        ),
    )
    page.goto(f"{live_server.url}/chart-test/")
    page.wait_for_selector("[data-chart][data-rendered=true] >> nth=2")
    canvases = page.locator("[data-chart]")
    assert canvases.count() == 3
    for index in range(3):
        marks = canvases.nth(index).locator("svg .mark-line, svg .mark-symbol, svg .mark-rect")
        assert marks.count() > 0
    assert errors == []
    assert all(url.startswith(live_server.url) for url in requested)
    assert page.locator("details.chart-table table").count() == 3
    assert_accessible(page, "charts")
