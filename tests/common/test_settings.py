"""Settings come from the environment, with clear errors when they are wrong."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def _load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "MASTERYPATH_DEMO", "DATABASE_URL"}
    }
    clean.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import masterypath.settings as s; print(s.DATABASES['default']['ENGINE'], s.DEBUG)",
        ],
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_missing_secret_key_outside_the_demo_is_refused() -> None:
    result = _load_settings()
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_demo_mode_runs_with_sqlite_by_default(tmp_path: object) -> None:
    result = _load_settings(MASTERYPATH_DEMO="1", MASTERYPATH_DATA_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "False"]


def test_database_url_selects_postgresql() -> None:
    result = _load_settings(SECRET_KEY="x" * 40, DATABASE_URL="postgres://u:p@127.0.0.1:5432/name")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "django.db.backends.postgresql"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be one of"),
        ("SECRET_KEY", "short", "SECRET_KEY is too short"),
        ("DATABASE_URL", "nonsense://x", "DATABASE_URL is not a database URL"),
    ],
)
def test_bad_values_name_the_setting(name: str, value: str, message: str) -> None:
    env = {"MASTERYPATH_DEMO": "1", name: value}
    result = _load_settings(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_every_setting_is_documented() -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "configuration.md").read_text()
    for name in (
        "DATABASE_URL",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DEBUG",
        "MASTERYPATH_DATA_DIR",
        "MASTERYPATH_DEMO",
        "MASTERYPATH_HTTPS",
        "LOG_LEVEL",
    ):
        assert f"`{name}`" in doc, name
