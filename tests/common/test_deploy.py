"""The documented production settings pass Django's deployment checks, and every response
carries the security headers."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from tests.conftest import World, user_of

DEPLOY_DOC = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"


def _documented_environment() -> dict[str, str]:
    """The `export NAME=value` lines of docs/deploy.md's production example."""
    text = DEPLOY_DOC.read_text()
    block = text.split("<!-- production-environment -->", 2)[1]
    values = dict(re.findall(r"export (\w+)=(\S+)", block))
    assert values, "docs/deploy.md lists no production environment"
    return values


def _check_deploy(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MASTERYPATH_", "DJANGO_")) and k not in {"SECRET_KEY", "DEBUG"}
    }
    clean.update(env)
    clean["MASTERYPATH_DATA_DIR"] = str(tmp_path)
    return subprocess.run(
        [sys.executable, "-m", "masterypath.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_documented_production_settings_pass_check_deploy(tmp_path: Path) -> None:
    env = _documented_environment()
    env["SECRET_KEY"] = secrets.token_urlsafe(50)  # the doc shows how to make one
    env.pop("DATABASE_URL", None)  # checks do not connect; SQLite in tmp_path stands in
    result = _check_deploy(env, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout + result.stderr


def test_without_https_settings_check_deploy_complains(tmp_path: Path) -> None:
    """The check is not vacuous: leaving out HTTPS and HSTS fails it."""
    env = {"SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "lis.example.org"}
    result = _check_deploy(env, tmp_path)
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout


@pytest.mark.django_db
def test_every_page_has_a_content_security_policy_without_inline_scripts(world: World) -> None:
    client = Client()
    login = client.get("/login/")
    policy = login["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    client.force_login(user_of(world, "teacher_a"))
    page = client.get(f"/students/{world.students['s1'].pk}/")
    assert "Content-Security-Policy" in page
    assert "<script>" not in page.content.decode()


def test_no_template_has_an_inline_script() -> None:
    templates = Path(__file__).resolve().parents[2] / "src" / "masterypath" / "web" / "templates"
    inline = [
        str(path.relative_to(templates))
        for path in templates.rglob("*.html")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", path.read_text())
    ]
    assert inline == []
