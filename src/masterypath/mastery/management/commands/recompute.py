"""`masterypath recompute [--district NAME_OR_ID] [--as-of DATE]`: rebuild mastery from evidence."""

from __future__ import annotations

import sys
import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from masterypath.mastery.services import mastery_recompute
from masterypath.schools.models import District


def district_argument(value: str | None) -> list[District]:
    districts = District.objects.all()
    if value:
        districts = (
            districts.filter(pk=int(value)) if value.isdigit() else districts.filter(name=value)
        )
        if not districts:
            raise CommandError(f"No district {value!r}: give its id or exact name.")
    return list(districts)


class Command(BaseCommand):
    help = "Recompute every mastery estimate and placement from evidence, per district."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", help="District id or exact name (default: all).")
        parser.add_argument(
            "--as-of",
            type=date.fromisoformat,
            default=None,
            help="Count evidence up to this day (default: today).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = options["as_of"] or timezone.localdate()
        for district in district_argument(options["district"]):
            started = time.perf_counter()
            self.stdout.write(f"{district.name}")

            def bar(step: str, done: int, total: int) -> None:
                filled = int(30 * done / total)
                sys.stdout.write(
                    f"\r  [{'#' * filled}{'.' * (30 - filled)}] {done}/{total} {step:<28}"
                )
                sys.stdout.flush()

            counts = mastery_recompute(district=district, as_of=as_of, progress=bar)
            sys.stdout.write("\n")
            self.stdout.write(
                self.style.SUCCESS(
                    f"  {counts['estimates']:,} estimates and {counts['placements']:,} placements "
                    f"from {counts['evidence']:,} evidence rows in "
                    f"{time.perf_counter() - started:.1f}s"
                )
            )
