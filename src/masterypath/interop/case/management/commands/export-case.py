"""`masterypath export-case FRAMEWORK_ID OUT.json`: a framework as a CASE 1.1 CFPackage."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masterypath.continuum.models import Framework
from masterypath.interop.case.exporter import case_framework_export


class Command(BaseCommand):
    help = "Write a framework as a CASE 1.1 CFPackage JSON file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("framework", type=int)
        parser.add_argument("output")

    def handle(self, *args: Any, **options: Any) -> None:
        framework = Framework.objects.filter(pk=options["framework"]).first()
        if framework is None:
            raise CommandError(f"No framework with id {options['framework']}.")
        package = case_framework_export(framework=framework)
        Path(options["output"]).write_text(
            json.dumps(package, indent=1, ensure_ascii=False), encoding="utf-8"
        )
        self.stdout.write(f"Wrote {options['output']} ({len(package['CFItems'])} items).")
