"""mypy --strict with the django-stubs plugin passes on src (config in pyproject.toml).

The plugin imports masterypath.settings, which needs a SECRET_KEY or MASTERYPATH_DEMO=1; the
demo flag is set here as `make typecheck` does. A cold run takes about a minute; with the
.mypy_cache of an earlier run, seconds."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_mypy_strict_passes_on_src() -> None:
    mypy = Path(sys.executable).parent / "mypy"
    env = {**os.environ, "MASTERYPATH_DEMO": "1"}
    result = subprocess.run(  # noqa: S603 - the project's own tool
        [str(mypy), "src"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout
