"""One score, end to end: `evidence_record` on the demo district, mastery and placement included.

    .venv/bin/python benchmarks/score_latency.py --json sqlite.json
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_latency \\
        .venv/bin/python benchmarks/score_latency.py --json pg.json

Once per invocation: a fresh database (SQLite in a temporary folder, or the PostgreSQL database
of DATABASE_URL, dropped and created again), `seed_demo --seed 42 --students N`. Then in one
child process, as the demo teacher would: `--scores` scores (after `--warmup` untimed ones) on
random (student, target) pairs of the teacher's sections, each through `evidence_record`
(validate, save, audit, commit), whose subscribers run as it commits: mastery (the estimate,
then today's placement in the target's domain) and the dashboards' summaries. Each score is
timed as a whole and per subscriber, and its queries counted.

Prints a Markdown table (median, p95, max, queries); `--json FILE` writes every figure.
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

RUN = r"""
import json, random, sys, time
from datetime import timedelta
from decimal import Decimal
import django
django.setup()
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from masterypath.accounts.models import User
from masterypath.common import events
from masterypath.common.event_types import EvidenceRecorded
from masterypath.continuum.models import LearningTarget
from masterypath.evidence.services import evidence_record
from masterypath.roster.models import EnrollmentRole, Section, Student

scores, warmup, seed = (int(value) for value in sys.argv[1:4])
teacher = User.objects.get(username="demo-teacher")
sections = list(Section.objects.filter(enrollments__staff__user=teacher).distinct())
students = list(
    Student.objects.filter(
        enrollments__section__in=sections, enrollments__role=EnrollmentRole.STUDENT
    ).distinct().order_by("pk")
)
targets = list(
    LearningTarget.objects.filter(
        competency__domain__framework__courses__sections__in=sections,
        parent__isnull=True,
        is_retired=False,
    )
    .select_related("competency__domain__framework__scale")
    .distinct()
    .order_by("pk")
)
assert students and targets, (len(students), len(targets))

spent = {}


def timed(name, handler):
    def run(event):
        start = time.perf_counter()
        handler(event)
        spent[name] = spent.get(name, 0.0) + time.perf_counter() - start
    return run


handlers = events.subscribers(EvidenceRecorded)
for handler in handlers:
    events.unsubscribe(EvidenceRecorded, handler)
for handler in handlers:
    events.subscribe(EvidenceRecorded, timed(handler.__module__.split(".")[1], handler))

rng = random.Random(seed)
rows = []
for n in range(warmup + scores):
    student, target = rng.choice(students), rng.choice(targets)
    spent.clear()
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        evidence_record(
            actor=teacher, student=student, target=target, score=Decimal(rng.randint(1, 4)),
            observed_at=timezone.now() - timedelta(seconds=30), kind="formative",
        )
        total = time.perf_counter() - start
    if n >= warmup:
        rows.append({"total": total, "queries": len(captured), **spent})
print(json.dumps({"students": len(students), "targets": len(targets), "rows": rows}))
"""


def _env(data_dir: str, database_url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "masterypath.settings",
        "MASTERYPATH_DEMO": "1",
        "MASTERYPATH_DATA_DIR": data_dir,
        "PYTHONPATH": str(ROOT / "src"),
    }
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _reset_postgres(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _figures(values: list[float]) -> dict[str, float]:
    return {
        "median_ms": statistics.median(values) * 1000,
        "p95_ms": _quantile(values, 0.95) * 1000,
        "max_ms": max(values) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--scores", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--json", dest="json_file", type=Path)
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    backend = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    with tempfile.TemporaryDirectory(prefix="mp-latency-") as data_dir:
        env = _env(data_dir, database_url)
        if database_url:
            _reset_postgres(database_url)
        subprocess.run([*CLI, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
        start = time.perf_counter()
        subprocess.run(
            [*CLI, "seed_demo", "--seed", str(args.seed), "--students", str(args.students)],
            env=env,
            check=True,
            cwd=ROOT,
            capture_output=True,
        )
        seeded = time.perf_counter() - start
        done = subprocess.run(
            [sys.executable, "-c", RUN, str(args.scores), str(args.warmup), str(args.seed)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    rows = result["rows"]
    parts = {
        "one score, end to end": [row["total"] for row in rows],
        "  mastery: estimate and today's placement": [row.get("mastery", 0.0) for row in rows],
        "  dashboards' summaries": [row.get("reports", 0.0) for row in rows],
        "  evidence: validate, save, audit, commit": [
            row["total"] - row.get("mastery", 0.0) - row.get("reports", 0.0) for row in rows
        ],
    }
    queries = [row["queries"] for row in rows]
    figures = {name.strip(): _figures(values) for name, values in parts.items()}
    load = os.getloadavg()[0]
    print(
        f"One score on {backend}: demo district of {args.students} students, {len(rows)} scores "
        f"by the demo teacher ({result['students']} students, {result['targets']} targets) "
        f"({platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load {load:.1f})"
    )
    print("| part | median ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|")
    for name in parts:
        cell = figures[name.strip()]
        print(
            f"| {name.strip()} | {cell['median_ms']:.2f} | {cell['p95_ms']:.2f} "
            f"| {cell['max_ms']:.2f} |"
        )
    print(
        f"| queries per score | {statistics.median(queries):.0f} | "
        f"{_quantile(queries, 0.95):.0f} | {max(queries)} |"
    )
    if args.json_file:
        args.json_file.write_text(
            json.dumps(
                {
                    "backend": backend,
                    "machine": f"{platform.machine()}, {os.cpu_count()} cores",
                    "load_average": load,
                    "students": args.students,
                    "seed_seconds": seeded,
                    "figures": figures,
                    "queries": {
                        "median": statistics.median(queries),
                        "p95": _quantile(queries, 0.95),
                        "max": max(queries),
                    },
                    "rows": rows,
                },
                indent=1,
            )
        )


if __name__ == "__main__":
    main()
