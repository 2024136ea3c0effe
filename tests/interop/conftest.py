"""Where the interop tests' sample files live (tests/fixtures/)."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CASE_DATA = FIXTURES / "case"
ONEROSTER_DATA = FIXTURES / "oneroster"
