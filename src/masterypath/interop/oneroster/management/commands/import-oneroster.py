"""`masterypath import-oneroster DIR_OR_ZIP --district ID`: apply a OneRoster CSV bundle."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from masterypath.interop.oneroster.errors import OneRosterImportError
from masterypath.interop.oneroster.reader import read_bundle
from masterypath.interop.oneroster.services import oneroster_bundle_import
from masterypath.schools.models import District
from masterypath.schools.services import district_create


class Command(BaseCommand):
    help = (
        "Import a OneRoster 1.1/1.2 CSV bundle (folder or zip), bulk or delta, into a "
        "district: all of it or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("location", help="A folder or .zip holding manifest.csv etc.")
        parser.add_argument(
            "--district",
            type=int,
            default=None,
            help="Id of the district (default: the only one, or the one whose "
            "sourcedId the bundle's district org names).",
        )
        parser.add_argument(
            "--role-from-enrollments",
            action="store_true",
            help="Take a user whose role is student but who teaches a class in "
            "enrollments.csv as a teacher (by default the teaching enrollment is refused).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            bundle = read_bundle(options["location"])
            with transaction.atomic():
                district = self._district(options["district"], bundle)
                outcome = oneroster_bundle_import(
                    bundle=bundle,
                    district=district,
                    role_from_enrollments=options["role_from_enrollments"],
                )
        except OneRosterImportError as error:
            for issue in error.issues[:200]:
                self.stderr.write(str(issue))
            if len(error.issues) > 200:
                self.stderr.write(f"... and {len(error.issues) - 200} more.")
            raise CommandError(error.message) from error
        for warning in outcome["warnings"]:
            self.stdout.write(
                f"warning: {warning['file']} line {warning['line']} "
                f"{warning['column']}: {warning['message']}"
            )
        summary = ", ".join(f"{n} {k}" for k, n in outcome["counts"].items()) or "no changes"
        self.stdout.write(
            f"OneRoster {outcome['version']} bundle imported into {district.name}: {summary}."
        )

    def _district(self, district_id: int | None, bundle: Any) -> District:
        if district_id is not None:
            district = District.objects.filter(pk=district_id).first()
            if district is None:
                raise CommandError(f"No district with id {district_id}.")
            return district
        org_ids = [
            r.get("sourcedId") for r in bundle.rows("orgs") if r.get("type").lower() == "district"
        ]
        district = District.objects.filter(source_id__in=org_ids).first() if org_ids else None
        if district is not None:
            return district
        if District.objects.count() == 1:
            return District.objects.get()
        if not District.objects.exists() and org_ids:
            row = next(r for r in bundle.rows("orgs") if r.get("sourcedId") == org_ids[0])
            return district_create(name=row.get("name") or org_ids[0], source_id=org_ids[0])
        if not District.objects.exists():
            raise CommandError(
                "No district exists yet. Create one with `masterypath district create --name "
                '"NAME"` (add --source-id ID to match the bundle), or add an org of type '
                "district to orgs.csv and the import creates the district from it."
            )
        raise CommandError(
            "Say which district with --district ID (`masterypath district list` shows them)."
        )
