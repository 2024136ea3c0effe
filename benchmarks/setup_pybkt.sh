#!/usr/bin/env bash
# Create .venv-bench: the benchmark environment with pyBKT's C++ build (not the pure-Python wheel).
# See /work/shared/BENCHMARKS.md: pyBKT 1.4.3 does not import with scikit-learn >= 1.8, and only
# the source build with the system compiler gives the fast extension.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3.11}"
VENV="${VENV:-.venv-bench}"
if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/pip" install --quiet --upgrade pip
"$VENV/bin/pip" install --quiet -r benchmarks/requirements-pybkt.txt
"$VENV/bin/pip" install --quiet --no-build-isolation --no-binary pyBKT pyBKT==1.4.3
"$VENV/bin/python" - <<'PY'
import pyBKT.fit.E_step as e_step

path = e_step.__file__ or ""
if not path.endswith(".so"):
    raise SystemExit(f"pyBKT fell back to pure Python ({path}); install a C++ compiler and retry")
print(f"pyBKT C++ build OK: {path}")
PY
