"""`make serve`: gunicorn, a runtime dependency, serves masterypath.wsgi after migrating."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_gunicorn_is_a_runtime_dependency() -> None:
    """A plain `pip install masterypath` brings the production server, not only the dev extra."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert any(dep.startswith("gunicorn") for dep in project["dependencies"])


def test_make_serve_migrates_then_runs_gunicorn_on_host_port_and_workers() -> None:
    """The recipe migrates and collects static files first, then binds HOST:PORT with WORKERS."""
    make = shutil.which("make")
    assert make, "make is needed to run the project (README: make demo, make test)"
    result = subprocess.run(  # noqa: S603 (fixed arguments)
        [make, "-n", "serve", "HOST=0.0.0.0", "PORT=8123", "WORKERS=3"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = result.stdout.splitlines()
    migrate = next(i for i, line in enumerate(lines) if "masterypath migrate" in line)
    collect = next(i for i, line in enumerate(lines) if "masterypath collectstatic" in line)
    serve = next(i for i, line in enumerate(lines) if "gunicorn" in line)
    assert migrate < collect < serve
    assert lines[serve].endswith("gunicorn masterypath.wsgi --bind 0.0.0.0:8123 --workers 3")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_gunicorn_serves_the_application(tmp_path: Path) -> None:
    """gunicorn loads masterypath.wsgi and answers the sign-in page."""
    port = _free_port()
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(MASTERYPATH_DEMO="1", MASTERYPATH_DATA_DIR=str(tmp_path))
    gunicorn = Path(sys.executable).with_name("gunicorn")
    # --timeout: the first request imports every view, slow on a busy machine
    command = [str(gunicorn), "masterypath.wsgi", "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(  # noqa: S603 (fixed arguments)
        [*command, "--workers", "1", "--timeout", "120"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        status = 0
        deadline = time.monotonic() + 120  # a loaded CI machine starts slowly
        while time.monotonic() < deadline and server.poll() is None:
            try:
                url = f"http://127.0.0.1:{port}/login/"
                with urllib.request.urlopen(url, timeout=60) as page:
                    status = page.status
                break
            except urllib.error.HTTPError as error:
                status = error.code
                break
            except OSError:  # not listening yet, or the first request timed out
                time.sleep(0.2)
        assert status == 200
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode(errors="replace")
    assert "Booting worker" in output
