"""Settings come from the environment, with clear errors when they are wrong."""

from __future__ import annotations

import ast
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

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


def _environment_names(source: str) -> set[str]:
    """Names of the environment variables a module reads: `os.environ.get("X")`,
    `os.environ["X"]`, `os.getenv("X")` and the module's `_env_*("X", ...)` helpers."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and node.args:
            function = ast.unparse(node.func)
            first = node.args[0]
            reads = function in {"os.environ.get", "os.getenv"} or function.startswith("_env_")
            if reads and isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.add(first.value)
        elif (
            isinstance(node, ast.Subscript)
            and ast.unparse(node.value) == "os.environ"
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)
        ):
            names.add(node.slice.value)
    return names


def _undocumented(names: set[str], doc: str) -> list[str]:
    """The names that have no row (`| `NAME` | ...`) in the configuration table."""
    return sorted(name for name in names if f"| `{name}` |" not in doc)


def test_environment_names_are_found_in_every_form_of_read() -> None:
    """The reader sees each way settings.py reads a variable, and nothing else."""
    source = (
        "import os\n"
        "A = os.environ.get('A', '')\n"
        "B = os.environ['B']\n"
        "C = os.getenv('C')\n"
        "D = _env_bool('D', default=False)\n"
        "E = _env_int('E', default=1)\n"
        "name = 'F'\n"
        "F = os.environ.get(name)\n"
        "G = dict(H='x').get('H')\n"
    )
    assert _environment_names(source) == {"A", "B", "C", "D", "E"}


def test_a_variable_missing_from_the_table_is_reported() -> None:
    """A variable named only in prose, not in a table row, counts as undocumented."""
    doc = "| `DEBUG` | `0` | debug pages |\nSee also `LOG_LEVEL`.\n"
    assert _undocumented({"DEBUG", "LOG_LEVEL", "NEW_ONE"}, doc) == ["LOG_LEVEL", "NEW_ONE"]


def test_every_setting_is_documented() -> None:
    """Every environment variable settings.py reads has a row in docs/configuration.md."""
    spec = importlib.util.find_spec("masterypath.settings")
    assert spec is not None
    assert spec.origin is not None
    settings_source = Path(spec.origin).read_text(encoding="utf-8")
    names = _environment_names(settings_source)
    assert {"DATABASE_URL", "SECRET_KEY", "DEBUG", "MASTERYPATH_DATA_DIR"} <= names
    doc = (Path(__file__).resolve().parents[2] / "docs" / "configuration.md").read_text()
    assert _undocumented(names, doc) == []
