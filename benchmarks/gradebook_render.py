"""Server-side render time of the standards gradebook: 35 students x 60 targets, demo district.

Builds (once) a demo district database with mastery recomputed, takes the demo teacher's
grade-4 ELA section, fills it up to 35 students from the same grade (inside a transaction that
is rolled back at the end), and times:

  build+render  gradebook_build() and the template, for the first 60 grade-4 targets;
  http          GET /teach/sections/<id>/gradebook/ through Django's test client (all grade-4
                targets of the course: 88 ELA + habits), middleware and session included;
  grid          the scoring grid of the section's assessment with the most targets (every
                student x target cell, each with its live score): score_grid_build() and the
                template, with the sections a copy may go to;
  grid http     GET /teach/assessments/<id>/ of that assessment through the test client.

Prints a table (median, p90, queries) and writes JSON with --json FILE.
Usage: .venv/bin/python benchmarks/gradebook_render.py [--runs 30] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("MASTERYPATH_DEMO", "1")
os.environ.setdefault("MASTERYPATH_DATA_DIR", "/tmp/masterypath-bench-gradebook")  # noqa: S108
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masterypath.settings")

STUDENTS = 35
TARGETS = 60


class Rollback(Exception):  # noqa: N818 - a control-flow signal, not an error
    pass


def _prepare() -> None:
    from django.core.management import call_command

    from masterypath.demo.seed import demo_exists

    call_command("migrate", verbosity=0)
    if not demo_exists():
        call_command("seed_demo", verbosity=0)
        call_command("recompute", verbosity=0)


def _time(fn, runs: int) -> tuple[list[float], int]:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        fn()
    with CaptureQueriesContext(connection) as queries:
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    import django

    django.setup()
    _prepare()
    from django.db import connection, transaction
    from django.db.models import Count
    from django.template.loader import render_to_string
    from django.test import Client, RequestFactory

    from masterypath.accounts.models import User
    from masterypath.evidence.models import Assessment
    from masterypath.evidence.selectors import (
        section_list_for_assessment_copy,
        target_list_for_section,
    )
    from masterypath.roster.models import Enrollment, EnrollmentRole, Section, Student
    from masterypath.web.teacher.gradebook import gradebook_build
    from masterypath.web.teacher.scoring import score_grid_build

    teacher = User.objects.get(username="demo-teacher")
    section = (
        Section.objects.filter(
            enrollments__staff__user=teacher, course__subject__icontains="English"
        )
        .select_related("course", "school", "session")
        .order_by("-session__starts_on")
        .first()
    )
    assert section is not None, "the demo teacher has no ELA section"  # noqa: S101
    results: dict[str, object] = {}
    try:
        with transaction.atomic():
            enrolled = set(
                Enrollment.objects.filter(section=section, role="student").values_list(
                    "student_id", flat=True
                )
            )
            extra = Student.objects.filter(
                grade_level=section.course.grade_low, school=section.school
            ).exclude(pk__in=enrolled)
            Enrollment.objects.bulk_create(
                [
                    Enrollment(section=section, role=EnrollmentRole.STUDENT, student=student)
                    for student in extra[: max(0, STUDENTS - len(enrolled))]
                ]
            )
            students = Enrollment.objects.filter(section=section, role="student").count()
            targets = target_list_for_section(section=section, level=4)[:TARGETS]
            request = RequestFactory().get("/")
            request.user = teacher

            def build_and_render() -> None:
                book = gradebook_build(section=section, level=4, targets=targets)
                render_to_string(
                    "teacher/gradebook.html",
                    {
                        "section": section,
                        "active": "gradebook",
                        "book": book,
                        "levels": range(13),
                        "assessments": [],
                    },
                    request=request,
                )

            client = Client()
            client.force_login(teacher)
            url = f"/teach/sections/{section.pk}/gradebook/?level=4"
            full_targets = len(target_list_for_section(section=section, level=4))

            def http() -> None:
                response = client.get(url)
                assert response.status_code == 200  # noqa: S101

            assessment = (
                Assessment.objects.filter(section=section)
                .annotate(n_targets=Count("targets"))
                .order_by("-n_targets", "-assessed_on", "-id")
                .select_related("section__course", "section__school", "section__session")
                .first()
            )
            assert assessment is not None, "the section has no assessment"  # noqa: S101
            grid_columns = assessment.targets.count()

            def grid() -> None:
                render_to_string(
                    "teacher/assessment_score.html",
                    {
                        "section": section,
                        "active": "assessments",
                        "assessment": assessment,
                        "grid": score_grid_build(assessment=assessment),
                        "other_sections": section_list_for_assessment_copy(
                            actor=teacher, section=section
                        ),
                    },
                    request=request,
                )

            grid_url = f"/teach/assessments/{assessment.pk}/"

            def grid_http() -> None:
                response = client.get(grid_url)
                assert response.status_code == 200  # noqa: S101

            rows = []
            for name, fn, columns in (
                ("build+render", build_and_render, len(targets)),
                ("http", http, full_targets),
                ("grid", grid, grid_columns),
                ("grid http", grid_http, grid_columns),
            ):
                samples, queries = _time(fn, args.runs)
                if name.endswith("http"):
                    queries = -1  # Django resets the query log at each request: not countable
                rows.append(
                    {
                        "what": name,
                        "students": students,
                        "targets": columns,
                        "median_ms": round(statistics.median(samples), 1),
                        "p90_ms": round(sorted(samples)[int(0.9 * len(samples)) - 1], 1),
                        "queries": queries,
                    }
                )
            results = {
                "database": connection.vendor,
                "runs": args.runs,
                "rows": rows,
                "python": sys.version.split()[0],
                "cpus": os.cpu_count(),
            }
            raise Rollback
    except Rollback:
        pass
    print(f"Gradebook render, demo district on {results['database']}, {args.runs} runs")
    print(f"{'what':<14}{'students':>9}{'targets':>9}{'median ms':>11}{'p90 ms':>9}{'queries':>9}")
    for row in results["rows"]:  # type: ignore[attr-defined]
        print(
            f"{row['what']:<14}{row['students']:>9}{row['targets']:>9}{row['median_ms']:>11}"
            f"{row['p90_ms']:>9}{row['queries']:>9}"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
