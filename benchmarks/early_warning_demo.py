"""Calibrate the early warning rules on the demo district: each rule's share of students
against the profile the generator planted, and precision and recall of the listed students
against the latent truth (the same rules on the generator's latent growth curves).

    .venv/bin/python benchmarks/early_warning_demo.py --seed 42 --json early_warning_demo.json

Builds the demo on a fresh SQLite database in a temporary folder (the seed computes the
lists as the background job would), then runs `masterypath early_warning_calibration`.
Prints the table and writes JSON: {"seed", "students", "as_of", "seconds", "rules": [...]}.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "masterypath.cli"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--students", type=int, default=900)
    parser.add_argument("--json", type=Path, help="Write the figures to this file.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mp-bench-ew-") as data_dir:
        env = {**os.environ, "MASTERYPATH_DEMO": "1", "MASTERYPATH_DATA_DIR": data_dir}
        env.pop("DATABASE_URL", None)
        subprocess.run([*CLI, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
        started = time.perf_counter()
        subprocess.run(
            [*CLI, "seed_demo", "--seed", str(args.seed), "--students", str(args.students)],
            env=env,
            check=True,
            cwd=ROOT,
            capture_output=True,
        )
        seconds = time.perf_counter() - started
        out = Path(data_dir) / "calibration.json"
        table = subprocess.run(
            [*CLI, "early_warning_calibration", "--json", str(out)],
            env=env,
            check=True,
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout
        figures = json.loads(out.read_text())
    print(table, end="")
    print(f"(seed {args.seed}, {args.students} students; seed and lists built in {seconds:.0f}s)")
    print("P, R: precision and recall against the latent truth; (prof): against the profile.")
    if args.json:
        args.json.write_text(
            json.dumps({"seed": args.seed, "seconds": round(seconds, 1), **figures}, indent=2)
        )


if __name__ == "__main__":
    main()
