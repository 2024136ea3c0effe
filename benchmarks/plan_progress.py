"""Goal progress after new evidence: 1,000 new scores into a district full of active plans.

    .venv/bin/python benchmarks/plan_progress.py --runs 5 --json plans.json
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mp_bench_plans \\
        .venv/bin/python benchmarks/plan_progress.py --runs 5

Builds, in a temporary SQLite database (or the PostgreSQL database of DATABASE_URL, emptied
by the migrations' flush), a district of `--students` students (default 900, the demo's size),
each with an active plan of three academic goals on three targets each, and mastery estimates
for every goal target. Then per run, 1,000 new scores on goal targets of random students go in
through `evidence_record_many` (one batch, as an import does), and the figures are:

- `plans handler`: the plans app's handler for the batch event alone (find the goals the pairs
  touch, read their estimates, the engine, the bulk update), the part this benchmark bounds
  (< 1 s per 1,000 scores);
- `whole batch`: the batch with every subscriber (evidence, mastery, dashboards, plans).

Prints a Markdown table; `--json FILE` writes every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

RUN = r"""
import json, os, random, statistics, sys, time
from datetime import date, timedelta
from decimal import Decimal
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
call_command("migrate", verbosity=0)
call_command("flush", interactive=False, verbosity=0)
from masterypath.accounts.models import Role, User
from masterypath.common import events
from masterypath.common.event_types import EvidenceRecordedMany
from masterypath.continuum.models import (
    Competency, Domain, Framework, LearningTarget, PerformanceLevel, PerformanceScale,
)
from masterypath.evidence.services.many import EvidenceRow, evidence_record_many
from masterypath.mastery.services import mastery_refresh_pairs
from masterypath.plans import handlers
from masterypath.plans.models import Goal, GoalKind, LearningPlan, PlanState
from masterypath.roster.models import Staff, StaffRole, Student
from masterypath.schools.models import District, School

students_n, runs = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(42)
district = District.objects.create(name="Bench")
school = School.objects.create(district=district, name="Bench School", grade_low=0, grade_high=8)
scale = PerformanceScale.objects.create(name="1-4")
for value, label in enumerate(["Beginning", "Developing", "Proficient", "Advanced"], 1):
    PerformanceLevel.objects.create(scale=scale, value=value, label=label, is_proficient=value >= 3)
framework = Framework.objects.create(title="Math", scale=scale, district=district)
domain = Domain.objects.create(framework=framework, code="M", title="Math")
competency = Competency.objects.create(domain=domain, code="C", title="C")
targets = [
    LearningTarget.objects.create(competency=competency, code=f"T.{n}", statement="x", level=4)
    for n in range(30)
]
admin_user = User.objects.create(username="bench-admin", role=Role.DISTRICT_ADMIN)
Staff.objects.create(district=district, user=admin_user, role=StaffRole.DISTRICT_ADMIN,
                     given_name="A", family_name="B")
students = Student.objects.bulk_create([
    Student(district=district, school=school, local_id=str(n), given_name="S", family_name=str(n),
            grade_level=4)
    for n in range(students_n)
])
plans = LearningPlan.objects.bulk_create([
    LearningPlan(student=s, title="Year", starts_on=date(2026, 8, 20), ends_on=date(2027, 6, 10),
                 state=PlanState.ACTIVE)
    for s in students
])
goals = Goal.objects.bulk_create([
    Goal(plan=p, kind=GoalKind.ACADEMIC, title=f"Goal {g}", target_on=date(2027, 3, 1),
         target_level=3.0, targets_total=3, position=g)
    for p in plans for g in range(3)
])
links = []
goal_targets = {}
for goal in goals:
    chosen = rng.sample(targets, 3)
    goal_targets[goal.pk] = chosen
    links += [Goal.targets.through(goal_id=goal.pk, learningtarget_id=t.pk) for t in chosen]
Goal.targets.through.objects.bulk_create(links, batch_size=5000)
student_of_plan = {p.pk: p.student_id for p in plans}
pairs = sorted({(student_of_plan[g.plan_id], t.pk) for g in goals for t in goal_targets[g.pk]})
now = timezone.now()
seed_rows = [
    EvidenceRow(student_id=s, target_id=t, score=Decimal(rng.randint(1, 3)),
                observed_at=now - timedelta(days=30))
    for s, t in pairs
]
evidence_record_many(actor=admin_user, rows=seed_rows, publish_event=False)
mastery_refresh_pairs(pairs=pairs, on=timezone.localdate())
results = []
for run in range(runs):
    batch = [
        EvidenceRow(student_id=s, target_id=t, score=Decimal(rng.randint(2, 4)),
                    observed_at=now - timedelta(days=1, minutes=run))
        for s, t in rng.sample(pairs, 1000)
    ]
    timings = {}
    original = handlers.on_evidence_batch
    def timed(event, _original=original):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            if os.environ.get("PLAN_PROGRESS_PROFILE"):
                import cProfile
                cProfile.runctx("_original(event)", globals(), locals(), sort="cumtime")
            else:
                _original(event)
        timings["handler"] = time.perf_counter() - start
        timings["queries"] = len(queries)
    events.unsubscribe(EvidenceRecordedMany, original)
    events.subscribe(EvidenceRecordedMany, timed)
    start = time.perf_counter()
    evidence_record_many(actor=admin_user, rows=batch)
    whole = time.perf_counter() - start
    events.unsubscribe(EvidenceRecordedMany, timed)
    events.subscribe(EvidenceRecordedMany, original)
    results.append({"handler_s": timings["handler"], "whole_s": whole,
                    "queries": timings["queries"]})
print(json.dumps({
    "students": students_n, "goals": len(goals), "goal_targets": len(links),
    "engine": connection.vendor, "runs": results,
    "goals_met": Goal.objects.filter(status="met").count(),
}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=900)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "masterypath.settings",
            "MASTERYPATH_DEMO": "1",
            "MASTERYPATH_DATA_DIR": data_dir,
            "PYTHONPATH": str(ROOT / "src"),
        }
        done = subprocess.run(
            [sys.executable, "-c", RUN, str(args.students), str(args.runs)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(done.returncode)
    if os.environ.get("PLAN_PROGRESS_PROFILE"):
        sys.stderr.write(done.stdout)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["machine"] = f"{platform.machine()}, {os.cpu_count()} cores"
    handler = sorted(run["handler_s"] for run in result["runs"])
    whole = sorted(run["whole_s"] for run in result["runs"])
    queries = result["runs"][0]["queries"]
    print(
        f"{result['students']} students, {result['goals']} goals on "
        f"{result['goal_targets']} (goal, target) links, {result['engine']}, "
        f"1,000 new scores per run, {len(handler)} runs"
    )
    print()
    print("| step | median | max | queries |")
    print("|---|---:|---:|---:|")
    print(
        f"| plans handler | {handler[len(handler) // 2] * 1000:.0f} ms | "
        f"{handler[-1] * 1000:.0f} ms | {queries} |"
    )
    print(f"| whole batch | {whole[len(whole) // 2] * 1000:.0f} ms | {whole[-1] * 1000:.0f} ms | |")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
