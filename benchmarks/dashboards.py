"""Server time of the dashboards: each page, as its demo login sees it, through Django's test
client (middleware, session, access guards, selectors and templates included; the browser's
drawing of charts is not).

Builds the demo district once (``--students``, default 900; 20000 for the large district)
in the data folder, with mastery recomputed and the dashboards' summaries refreshed, then
requests each page ``--runs`` times after three warm-up requests and prints the median, the
90th percentile and the queries of one request. Pages are ``LOGIN:URL`` pairs (``--page``,
repeatable; the default is every leader page); ``{school}`` in a URL is the demo principal's
school, ``{domain}`` its first domain and ``{section}`` the demo teacher's first section, so
pages of other roles can be added by URL: ``--page demo-student:/ --page demo-guardian:/``.

Usage:
  .venv/bin/python benchmarks/dashboards.py [--students 900] [--runs 20] [--json out.json]
  MASTERYPATH_DATA_DIR=/tmp/mp-20k .venv/bin/python benchmarks/dashboards.py --students 20000
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/mp_bench .venv/bin/python benchmarks/...
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("MASTERYPATH_DEMO", "1")
os.environ.setdefault("MASTERYPATH_DATA_DIR", "/tmp/masterypath-bench-dashboards")  # noqa: S108
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masterypath.settings")

LEADER_PAGES = [
    "demo-principal:/",
    "demo-principal:/schools/{school}/students/",
    "demo-principal:/schools/{school}/students/?placement=two_below&sort=placement",
    "demo-principal:/schools/{school}/groups/?by=race",
    "demo-principal:/schools/{school}/groups/?by=economic&domain={domain}",
    "demo-principal:/schools/{school}/export/overview/on-grade-level.csv",
    "demo-counselor:/",
    "demo-admin:/",
    "demo-admin:/district/groups/?by=race",
    "demo-admin:/district/groups/?by=disability",
    "demo-admin:/district/export/groups/gaps.csv?by=sex",
]


def _prepare(students: int) -> dict[str, Any]:
    from django.core.management import call_command

    from masterypath.demo.seed import demo_exists
    from masterypath.reports.models import SummaryState
    from masterypath.reports.summaries import dashboard_summary_refresh
    from masterypath.roster.models import Student
    from masterypath.schools.models import District

    call_command("migrate", verbosity=0)
    built = {}
    if not demo_exists():
        started = time.perf_counter()
        call_command("seed_demo", students=students, verbosity=0)
        built["seed_seconds"] = round(time.perf_counter() - started, 1)
    for district in District.objects.all():
        if not SummaryState.objects.filter(district=district).exists():
            started = time.perf_counter()
            dashboard_summary_refresh(district=district)
            built["refresh_seconds"] = round(time.perf_counter() - started, 1)
    return {"students": Student.objects.count(), **built}


def _resolve(url: str) -> str:
    from masterypath.accounts.models import User
    from masterypath.reports.models import StandingSummary
    from masterypath.roster.models import Section

    principal = User.objects.select_related("staff").get(username="demo-principal")
    school_id = principal.staff.school_id
    domain_id = (
        StandingSummary.objects.filter(school_id=school_id)
        .order_by("domain_id")
        .values_list("domain_id", flat=True)
        .first()
    )
    section_id = (
        Section.objects.filter(
            enrollments__staff__user__username="demo-teacher", enrollments__role="teacher"
        )
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )
    return url.format(school=school_id, domain=domain_id, section=section_id)


def _time(client: Any, url: str, runs: int) -> tuple[list[float], int, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    # Counted now: the captured list reads the connection's log, which later requests reset.
    count = len(queries)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
    return samples, count, response.status_code, len(response.content)


def _machine() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        database = f"SQLite {connection.Database.sqlite_version}"
    else:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{database}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=900, help="demo size when building")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--page", action="append", default=[], help="LOGIN:URL (repeatable)")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    import django

    django.setup()
    from django.test import Client

    from masterypath.accounts.models import User

    prepared = _prepare(args.students)
    rows = []
    for entry in args.page or LEADER_PAGES:
        login, _, url = entry.partition(":")
        client = Client()
        client.force_login(User.objects.get(username=login))
        resolved = _resolve(url)
        samples, queries, status, size = _time(client, resolved, args.runs)
        rows.append(
            {
                "login": login,
                "url": resolved,
                "status": status,
                "median_ms": round(statistics.median(samples), 1),
                "p90_ms": round(statistics.quantiles(samples, n=10)[-1], 1),
                "queries": queries,
                "kilobytes": round(size / 1024, 1),
            }
        )
    machine = _machine()
    print(f"{prepared['students']:,} students; {machine}; {args.runs} runs per page")
    print(f"{'login':<16} {'page':<62} {'status':>6} {'median':>8} {'p90':>8} {'queries':>7}")
    for row in rows:
        print(
            f"{row['login']:<16} {row['url'][:62]:<62} {row['status']:>6} "
            f"{row['median_ms']:>6.1f}ms {row['p90_ms']:>6.1f}ms {row['queries']:>7}"
        )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "benchmark": "dashboards",
                    "command": " ".join(sys.argv),
                    "machine": machine,
                    "runs": args.runs,
                    **prepared,
                    "pages": rows,
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
