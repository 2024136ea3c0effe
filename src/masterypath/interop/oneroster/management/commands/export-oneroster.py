"""`masterypath export-oneroster --district ID OUT.zip`: the district as a OneRoster 1.2 bundle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masterypath.interop.oneroster.exporter import oneroster_district_export_zip
from masterypath.schools.models import District


class Command(BaseCommand):
    help = "Write a district's roster and evidence as a OneRoster 1.2 bulk CSV bundle (zip)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", help="The .zip file to write.")
        parser.add_argument("--district", type=int, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        district = District.objects.filter(pk=options["district"]).first()
        if district is None:
            raise CommandError(f"No district with id {options['district']}.")
        Path(options["output"]).write_bytes(oneroster_district_export_zip(district=district))
        self.stdout.write(f"Wrote {options['output']}.")
