"""`masterypath refresh_dashboards [--district NAME_OR_ID]`: rebuild the dashboards' summaries.

Run nightly (cron) so that "recent evidence" and target coverage move on with the calendar;
a recompute refreshes them by itself.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masterypath.reports.summaries import dashboard_summary_refresh
from masterypath.schools.models import District


class Command(BaseCommand):
    help = "Rebuild the leader dashboards' summaries from placements and evidence, per district."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", help="District id or exact name (default: all).")

    def handle(self, *args: Any, **options: Any) -> None:
        districts = District.objects.all()
        wanted = options["district"]
        if wanted:
            districts = (
                districts.filter(pk=int(wanted))
                if wanted.isdigit()
                else districts.filter(name=wanted)
            )
            if not districts:
                raise CommandError(f"No district {wanted!r}: give its id or exact name.")
        for district in districts:
            started = time.perf_counter()
            counts = dashboard_summary_refresh(district=district)
            as_of = counts.as_of.isoformat() if counts.as_of else "no placements yet"
            self.stdout.write(
                f"{district.name}: {counts.standings} standings, {counts.groups} group rows, "
                f"{counts.targets} targets as of {as_of} in {time.perf_counter() - started:.1f}s"
            )
