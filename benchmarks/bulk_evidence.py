"""Bulk evidence: the demo's whole OneRoster gradebook into an empty district, mastery included.

    .venv/bin/python benchmarks/bulk_evidence.py --runs 3 --json sqlite.json
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_bulk \\
        .venv/bin/python benchmarks/bulk_evidence.py --runs 3 --json pg.json

Once per invocation (on SQLite, in a temporary folder): `seed_demo --seed 42` builds the demo
district, then its OneRoster 1.2 bundle (256,068 results) and its four frameworks as CASE
packages are exported, as `export-oneroster` and `export-case` write them. Then per run, on a
fresh database (SQLite in a new folder, or the PostgreSQL database of DATABASE_URL, dropped
and created again): an empty district, its frameworks imported from the CASE packages (shared
ones shared, the district's own into it; not timed), and timed, each in one child process:

- the OneRoster import (read the zip, apply it, then mastery for every pair it touched and
  today's placements, which run as the import commits);
- the same bundle again, which must change nothing;
- a 10,000-row score CSV for one section (preview, then confirm; mastery included);
- one score at a time (`evidence_record`, 50 of them): median milliseconds and queries.

Prints a Markdown table; `--json FILE` writes every figure.
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

PREPARE = r"""
import json, sys
from pathlib import Path
import django
django.setup()
from masterypath.continuum.models import Framework
from masterypath.interop.case.exporter import case_framework_export
from masterypath.interop.oneroster.exporter import oneroster_district_export_zip
from masterypath.schools.models import District
out = Path(sys.argv[1])
district = District.objects.get()
(out / "oneroster.zip").write_bytes(oneroster_district_export_zip(district=district))
frameworks = []
for framework in Framework.objects.order_by("pk"):
    name = f"case-{framework.pk}.json"
    (out / name).write_text(json.dumps(case_framework_export(framework=framework)))
    frameworks.append({"file": name, "shared": framework.district_id is None})
(out / "frameworks.json").write_text(json.dumps(frameworks))
"""

RUN = r"""
import json, statistics, sys, time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
call_command("migrate", verbosity=0)
from masterypath.accounts.models import Role, User
from masterypath.evidence.csv_import import score_import_commit, score_import_preview
from masterypath.evidence.models import Evidence
from masterypath.evidence.services import evidence_record
from masterypath.interop.case.parser import load_sources
from masterypath.interop.case.services import case_packages_import, case_packages_read
from masterypath.interop.oneroster.reader import read_bundle
from masterypath.interop.oneroster.services import oneroster_bundle_import
from masterypath.mastery.models import MasteryEstimate, Placement
from masterypath.roster.models import EnrollmentRole, Section, Staff, StaffRole, Student
from masterypath.schools.models import District

folder = Path(sys.argv[1])
figures = {}
district = District.objects.create(name="Imported district")
for framework in json.loads((folder / "frameworks.json").read_text()):
    sources = load_sources(str(folder / framework["file"]))
    packages = case_packages_read(sources=sources, strict=False, title="")
    case_packages_import(packages=packages, district=None if framework["shared"] else district)


def counts():
    return {
        "evidence": Evidence.objects.count(),
        "estimates": MasteryEstimate.objects.count(),
        "placements": Placement.objects.count(),
        "students": Student.objects.count(),
        "sections": Section.objects.count(),
    }


for label in ("first", "again"):
    start = time.perf_counter()
    bundle = read_bundle(folder / "oneroster.zip")
    read = time.perf_counter() - start
    outcome = oneroster_bundle_import(bundle=bundle, district=district)
    figures[label] = {
        "seconds": time.perf_counter() - start,
        "read_seconds": read,
        "changes": outcome["counts"],
        "after": counts(),
    }

user = User.objects.create_user(username="bench-admin", role=Role.DISTRICT_ADMIN)
Staff.objects.create(
    district=district, user=user, role=StaffRole.DISTRICT_ADMIN, given_name="B", family_name="A"
)
section = max(
    Section.objects.filter(school__district=district).select_related("course"),
    key=lambda s: s.enrollments.filter(role=EnrollmentRole.STUDENT).count(),
)
students = list(
    Student.objects.filter(enrollments__section=section, enrollments__role=EnrollmentRole.STUDENT)
)
from masterypath.continuum.models import Framework, LearningTarget
# OneRoster does not say which frameworks a course teaches: those of its imported assessments.
section.course.frameworks.set(
    Framework.objects.filter(domains__competencies__targets__assessments__section=section).distinct()
)
targets = list(
    LearningTarget.objects.filter(
        competency__domain__framework__courses=section.course_id, is_retired=False
    ).order_by("pk")[:40]
)
assert students and targets, (len(students), len(targets))
today = timezone.localdate()
lines = ["student_id,target_code,score,date"]
day = 0
while len(lines) <= 10_000:
    for student in students:
        for target in targets:
            if len(lines) > 10_000:
                break
            when = today - timedelta(days=1 + day)
            lines.append(f"{student.local_id},{target.code},{1 + (day + student.pk) % 4},{when}")
    day += 1
data = ("\n".join(lines) + "\n").encode()
before = Evidence.objects.count()
start = time.perf_counter()
score_import, preview = score_import_preview(
    actor=user, section=section, filename="scores.csv", data=data
)
assert score_import is not None, preview.issues[:3]
preview_seconds = time.perf_counter() - start
added = score_import_commit(actor=user, score_import=score_import)
figures["csv"] = {
    "rows": len(lines) - 1,
    "added": added,
    "seconds": time.perf_counter() - start,
    "preview_seconds": preview_seconds,
    "evidence_added": Evidence.objects.count() - before,
}

times, queries = [], []
for n in range(50):
    student = students[n % len(students)]
    target = targets[n % len(targets)]
    target = LearningTarget.objects.select_related("competency__domain__framework__scale").get(
        pk=target.pk
    )
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        evidence_record(
            actor=user, student=student, target=target, score=Decimal(1 + n % 4),
            observed_at=timezone.now() - timedelta(minutes=1), kind="formative",
        )
        times.append(time.perf_counter() - start)
    queries.append(len(captured))
figures["single"] = {
    "count": len(times),
    "median_ms": statistics.median(times) * 1000,
    "queries": statistics.median(queries),
}
print(json.dumps(figures))
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


def prepare(folder: Path, seed: int, students: int) -> dict[str, float]:
    """The demo district on SQLite, exported as the benchmark's input files."""
    with tempfile.TemporaryDirectory(prefix="mp-bulk-demo-") as data_dir:
        env = _env(data_dir, "")
        subprocess.run([*CLI, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
        start = time.perf_counter()
        subprocess.run(
            [*CLI, "seed_demo", "--seed", str(seed), "--students", str(students)],
            env=env,
            check=True,
            cwd=ROOT,
            capture_output=True,
        )
        seeded = time.perf_counter() - start
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", PREPARE, str(folder)], env=env, check=True, cwd=ROOT)
        return {"seed_seconds": seeded, "export_seconds": time.perf_counter() - start}


def _reset_postgres(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def run_once(folder: Path, database_url: str) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="mp-bulk-run-") as data_dir:
        if database_url:
            _reset_postgres(database_url)
        done = subprocess.run(
            [sys.executable, "-c", RUN, str(folder)],
            env=_env(data_dir, database_url),
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _span(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--students", type=int, default=900)
    parser.add_argument("--inputs", type=Path, help="Keep the exported inputs in this folder.")
    parser.add_argument("--json", dest="json_file", type=Path)
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    backend = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    with tempfile.TemporaryDirectory(prefix="mp-bulk-in-") as scratch:
        folder = args.inputs or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        prepared: dict[str, float] = {}
        if not (folder / "frameworks.json").exists():
            prepared = prepare(folder, args.seed, args.students)
        runs = [run_once(folder, database_url) for _ in range(args.runs)]
    first = [float(r["first"]["seconds"]) for r in runs]  # type: ignore[index]
    again = [float(r["again"]["seconds"]) for r in runs]  # type: ignore[index]
    csv = [float(r["csv"]["seconds"]) for r in runs]  # type: ignore[index]
    single = [float(r["single"]["median_ms"]) for r in runs]  # type: ignore[index]
    sample = runs[0]
    results = sample["first"]["after"]["evidence"]  # type: ignore[index]
    load = os.getloadavg()[0]
    print(
        f"Bulk evidence on {backend}, {len(runs)} run(s) ({platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, load {load:.1f})"
    )
    print("| step | rows | seconds, median (min-max) | target |")
    print("|---|---:|---|---|")
    print(
        f"| OneRoster gradebook into an empty district, mastery included | {results:,} "
        f"| {_span(first)} | under 60 s |"
    )
    print(f"| the same bundle again (no changes) | {results:,} | {_span(again)} | under 15 s |")
    print(
        f"| score CSV, preview + confirm, mastery included | "
        f"{sample['csv']['rows']:,} | {_span(csv)} | under 10 s |"
    )  # type: ignore[index]
    print(
        f"| one score (`evidence_record`), median ms | 1 | {_span(single)} ms, "
        f"{sample['single']['queries']:.0f} queries | |"
    )  # type: ignore[index]
    if args.json_file:
        args.json_file.write_text(
            json.dumps(
                {
                    "backend": backend,
                    "machine": f"{platform.machine()}, {os.cpu_count()} cores",
                    "load_average": load,
                    "prepared": prepared,
                    "runs": runs,
                    "first_median_s": statistics.median(first),
                    "again_median_s": statistics.median(again),
                    "csv_median_s": statistics.median(csv),
                    "single_median_ms": statistics.median(single),
                },
                indent=1,
            )
        )


if __name__ == "__main__":
    main()
