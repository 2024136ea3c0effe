"""`masterypath early_warning_calibration [--json FILE]`: the demo's exception lists against
what its generator planted (see masterypath.demo.calibration)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masterypath.demo.calibration import calibration_for_district
from masterypath.demo.seed import DISTRICT_NAME
from masterypath.earlywarning.selectors import exception_run_for_district
from masterypath.schools.models import District


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:5.1f}"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


class Command(BaseCommand):
    help = "Compare the demo's early warning lists with the profiles its generator planted."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", type=Path, help="Also write the figures to this file.")

    def handle(self, *args: Any, **options: Any) -> None:
        district = District.objects.filter(name=DISTRICT_NAME).first()
        run = exception_run_for_district(district=district) if district else None
        if district is None or run is None:
            raise CommandError("No demo district with early warning lists: run seed_demo first.")
        rows = calibration_for_district(district=district, as_of=run.as_of)
        self.stdout.write(
            f"Early warning calibration, {district.name}, as of {run.as_of} "
            f"({run.counts.get('students', 0)} students)"
        )
        self.stdout.write(
            f"{'rule':20} {'listed%':>7} {'profile':>8} {'prof%':>6} {'P(prof)':>7} "
            f"{'R(prof)':>7} {'truth%':>6} {'P':>5} {'R':>5}"
        )
        for row in rows:
            self.stdout.write(
                f"{row.rule:20} {_pct(row.share):>7} {row.profile or '-':>8} "
                f"{_pct(row.profile_share):>6} {_ratio(row.profile_precision):>7} "
                f"{_ratio(row.profile_recall):>7} {_pct(row.truth_share):>6} "
                f"{_ratio(row.precision):>5} {_ratio(row.recall):>5}"
            )
        if options["json"]:
            options["json"].write_text(
                json.dumps(
                    {
                        "as_of": run.as_of.isoformat(),
                        "students": run.counts.get("students", 0),
                        "rules": [row.as_dict() for row in rows],
                    },
                    indent=2,
                )
            )
