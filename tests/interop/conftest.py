"""Where the interop tests' sample files live (tests/fixtures/), and jobs run inline here."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CASE_DATA = FIXTURES / "case"
ONEROSTER_DATA = FIXTURES / "oneroster"


@pytest.fixture(autouse=True)
def _jobs_inline(settings: object) -> None:
    settings.JOBS_MODE = "inline"  # type: ignore[attr-defined]
