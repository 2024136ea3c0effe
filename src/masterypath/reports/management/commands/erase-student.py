"""`masterypath erase-student --district D --local-id ID --confirm ID`: erase one student's
record under the retention policy (docs/security.md, "Retention and erasure")."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masterypath.accounts.actors import SystemActor
from masterypath.mastery.management.commands.recompute import district_argument
from masterypath.reports.erasure import ErasureError, student_erase
from masterypath.roster.models import Student


class Command(BaseCommand):
    help = (
        "Erase one student's record: void their evidence, blank their personal fields and "
        "learner profile, remove guardian links, close their login. Cannot be undone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", required=True, help="District id or exact name.")
        parser.add_argument("--local-id", required=True, help="The student's local id.")
        parser.add_argument(
            "--confirm", required=True, help="The local id again, to confirm the erasure."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        district = district_argument(options["district"])[0]
        student = Student.objects.filter(district=district, local_id=options["local_id"]).first()
        if student is None:
            raise CommandError(f"No student {options['local_id']!r} in {district.name}.")
        actor = SystemActor(district_id=district.pk, name="erase-student")
        try:
            result = student_erase(
                actor=actor, student=student, confirm_local_id=options["confirm"]
            )
        except ErasureError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Erased student {result.student_id}: {result.evidence_voided} evidence entries "
            f"voided, {result.guardian_links_removed} guardian links removed, learner profile "
            f"{'blanked' if result.profile_erased else 'absent'}, login "
            f"{'closed' if result.login_closed else 'absent'}."
        )
