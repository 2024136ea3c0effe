"""Time `seed_demo` (the whole demo district, mastery included) on a fresh SQLite database.

    .venv/bin/python benchmarks/demo_seed.py --runs 3 --json demo_seed.json

Each run migrates a new database in a temporary folder, then builds the district in a child
process, so runs do not share caches. Prints a table (median, min-max) and writes JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "masterypath.cli"]


def one_run(seed: int, students: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="mp-bench-") as data_dir:
        env = {**os.environ, "MASTERYPATH_DEMO": "1", "MASTERYPATH_DATA_DIR": data_dir}
        env.pop("DATABASE_URL", None)
        subprocess.run([*CLI, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
        started = time.perf_counter()
        output = subprocess.run(
            [*CLI, "seed_demo", "--seed", str(seed), "--students", str(students)],
            env=env,
            check=True,
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout
        total = time.perf_counter() - started
        stats = json.loads(
            subprocess.run(
                [*CLI, "stats", "--json"],
                env=env,
                check=True,
                cwd=ROOT,
                capture_output=True,
                text=True,
            ).stdout
        )
    steps = {}
    for line in output.splitlines():
        parts = line.strip().split(maxsplit=1)
        if len(parts) == 2 and parts[0].endswith("s") and parts[0][:-1].replace(".", "").isdigit():
            steps[parts[1]] = float(parts[0][:-1])
    return {
        "total_s": total,
        "evidence": stats["evidence"],
        "students": stats["students"],
        "evidence_done_s": steps.get("evidence", float("nan")),
        "mastery_done_s": steps.get("mastery estimates and placements", float("nan")),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--students", type=int, default=900)
    parser.add_argument("--json", type=Path, help="Write every figure to this file.")
    args = parser.parse_args()
    runs = [one_run(args.seed, args.students) for _ in range(args.runs)]
    totals = [run["total_s"] for run in runs]
    load = os.getloadavg()[0]
    print(
        f"seed_demo --seed {args.seed} --students {args.students} on SQLite, "
        f"{len(runs)} runs ({platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, load {load:.1f})"
    )
    print(f"{'figure':<34}{'median':>10}{'min':>10}{'max':>10}")
    for key in ("total_s", "evidence_done_s", "mastery_done_s"):
        values = [run[key] for run in runs]
        print(
            f"{key:<34}{statistics.median(values):>10.1f}{min(values):>10.1f}{max(values):>10.1f}"
        )
    print(f"{'evidence rows':<34}{runs[0]['evidence']:>10,}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {"runs": runs, "median_total_s": statistics.median(totals), "load_average": load},
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
