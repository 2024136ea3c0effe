"""`masterypath district create --name NAME [--source-id ID]`, `masterypath district list`:
a fresh installation creates its district from the command line, before any import."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masterypath.schools.models import District
from masterypath.schools.services import district_create


class Command(BaseCommand):
    help = "Create or list districts."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create a district.")
        create.add_argument("--name", required=True, help="The district's name.")
        create.add_argument(
            "--source-id",
            default="",
            help="The district's sourcedId in its student information system (the "
            "OneRoster org of type district), so that imports find it.",
        )
        create.add_argument("--state", default="", help="Two-letter state code.")
        actions.add_parser("list", help="List the districts with their ids.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for district in District.objects.order_by("pk"):
                source = f" (sourcedId {district.source_id})" if district.source_id else ""
                self.stdout.write(f"{district.pk}\t{district.name}{source}")
            return
        name = options["name"].strip()
        if not name:
            raise CommandError("--name must not be empty.")
        state = options["state"].strip().upper()
        if len(state) > 2:
            raise CommandError(f"--state must be a two-letter code, not {state!r}.")
        source_id = options["source_id"].strip()
        if source_id and District.objects.filter(source_id=source_id).exists():
            raise CommandError(f"A district with sourcedId {source_id!r} already exists.")
        district = district_create(name=name, source_id=source_id, state_code=state)
        self.stdout.write(f"District {district.name} created with id {district.pk}.")
