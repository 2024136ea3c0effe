"""`masterypath early_warnings [--district NAME_OR_ID] [--as-of YYYY-MM-DD]`: rebuild the
exception lists now (the background job does it after each recompute and evidence import)."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from masterypath.earlywarning.selectors import exceptions_default_as_of
from masterypath.earlywarning.services import exceptions_recompute
from masterypath.schools.models import District


class Command(BaseCommand):
    help = "Rebuild the early warning (exception) lists from evidence, per district."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", help="District id or exact name (default: all).")
        parser.add_argument(
            "--as-of",
            type=date.fromisoformat,
            help="The day the lists describe (default: the district's latest evidence day).",
        )

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
            as_of = options["as_of"] or exceptions_default_as_of(
                district=district, today=timezone.localdate()
            )
            counts = exceptions_recompute(district=district, as_of=as_of)
            listed = ", ".join(
                f"{rule} {count}"
                for rule, count in sorted(counts.items())
                if rule not in {"students", "new", "alerts"}
            )
            self.stdout.write(
                f"{district.name} as of {as_of}: {counts['students']} students; "
                f"{listed or 'no hits'}; {counts['new']} new, {counts['alerts']} alerts "
                f"in {time.perf_counter() - started:.1f}s"
            )
