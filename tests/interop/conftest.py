"""Where the shared real-world data lives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(
    os.environ.get("MASTERYPATH_SHARED") or Path(__file__).resolve().parents[2] / ".." / "shared"
).resolve()
CASE_DATA = SHARED / "data" / "case"
ONEROSTER_DATA = SHARED / "data" / "oneroster"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def shared_or_fail(path: Path) -> Path:
    """The shared data set at `path`; a missing one fails under CI and skips locally."""
    if not path.exists():
        message = f"Shared data not found at {path} (set MASTERYPATH_SHARED)."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path
