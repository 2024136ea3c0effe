#!/usr/bin/env bash
# Create .venv-ralph: the reference LRS ralph 5.1.0, installed as /work/shared/BENCHMARKS.md says
# (it imports `requests` without declaring it), kept apart from our own environment.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3.11}"
VENV="${VENV:-.venv-ralph}"
if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/pip" install --quiet --upgrade pip
"$VENV/bin/pip" install --quiet "ralph-malph[lrs,cli]==5.1.0" requests
"$VENV/bin/python" -c "import ralph, uvicorn; print('ralph', ralph.__version__, 'OK')"
