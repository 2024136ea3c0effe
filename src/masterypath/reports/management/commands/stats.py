"""`masterypath stats [--json]`: counts of every main entity."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from masterypath.reports.selectors import entity_counts


class Command(BaseCommand):
    help = "Print how many districts, schools, students, ... the database holds."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = entity_counts()
        if options["json"]:
            self.stdout.write(json.dumps(counts))
            return
        width = max(len(name) for name in counts)
        for name, count in counts.items():
            self.stdout.write(f"{name:<{width}}  {count:>10,}")
