"""`masterypath import_attendance --district NAME_OR_ID --kind attendance|incidents FILE
[--commit]`: check a CSV of attendance or behaviour incidents and show what it would change;
with --commit, write it (all rows or none)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masterypath.earlywarning.services.attendance_import import COLUMNS, attendance_import
from masterypath.schools.models import District


class Command(BaseCommand):
    help = "Import attendance or behaviour incidents from CSV (a preview unless --commit)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--district", required=True, help="District id or exact name.")
        parser.add_argument("--kind", choices=sorted(COLUMNS), required=True)
        parser.add_argument("--commit", action="store_true", help="Write the rows.")

    def handle(self, *args: Any, **options: Any) -> None:
        wanted = options["district"]
        district = (
            District.objects.filter(pk=int(wanted)).first()
            if wanted.isdigit()
            else District.objects.filter(name=wanted).first()
        )
        if district is None:
            raise CommandError(f"No district {wanted!r}: give its id or exact name.")
        path: Path = options["file"]
        result = attendance_import(
            actor=None,
            district=district,
            kind=options["kind"],
            file_name=path.name,
            text=path.read_text(encoding="utf-8"),
            commit=options["commit"],
        )
        if result.errors:
            for error in result.errors[:50]:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(result.errors)} errors in {result.rows} rows; nothing was written."
            )
        verb = "Imported" if result.committed else "Would import (preview; --commit writes)"
        self.stdout.write(
            f"{verb} {result.rows} {result.kind} rows: {result.created} new, "
            f"{result.updated} changed, {result.unchanged} unchanged."
        )
