"""`masterypath import-case FILE_OR_DIR_OR_URL`: import CASE packages as frameworks."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masterypath.interop.case.errors import CaseImportError
from masterypath.interop.case.parser import load_sources
from masterypath.interop.case.services import case_packages_import, case_packages_read
from masterypath.schools.models import District


class Command(BaseCommand):
    help = (
        "Import IMS CASE 1.0/1.1 packages (CFPackage JSON, or OpenSALT spreadsheet CSV) "
        "from a file, a folder or a URL; re-importing updates in place."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("location", help="A .json/.csv file, a folder of them, or a URL.")
        parser.add_argument(
            "--district",
            type=int,
            default=None,
            help="Id of the adopting district (default: a shared framework).",
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--strict",
            dest="strict",
            action="store_true",
            default=True,
            help="Validate against the CASE JSON Schema (default).",
        )
        mode.add_argument(
            "--lenient",
            dest="strict",
            action="store_false",
            help="Accept older drafts; report what had to be guessed.",
        )
        parser.add_argument("--title", default="", help="Framework title for a CSV file.")

    def handle(self, *args: Any, **options: Any) -> None:
        district = None
        if options["district"] is not None:
            district = District.objects.filter(pk=options["district"]).first()
            if district is None:
                raise CommandError(f"No district with id {options['district']}.")
        try:
            sources = load_sources(options["location"])
            packages = case_packages_read(
                sources=sources, strict=options["strict"], title=options["title"]
            )
            results = case_packages_import(packages=packages, district=district)
        except CaseImportError as error:
            for problem in error.problems[:200]:
                self.stderr.write(str(problem))
            if len(error.problems) > 200:
                self.stderr.write(f"... and {len(error.problems) - 200} more.")
            hint = "" if not options["strict"] else " (try --lenient for older drafts)"
            raise CommandError(f"{error.message} Nothing was imported{hint}.") from error
        for result in results:
            for warning in result.warnings:
                self.stdout.write(f"warning: {warning}")
            self.stdout.write(
                f"{result.title}: framework {result.framework_id}; {result.domains} domains, "
                f"{result.competencies} competencies, {result.targets} targets, "
                f"{result.links} links; {result.created} created, {result.updated} updated, "
                f"{result.unchanged} unchanged, {result.retired} retired."
            )
