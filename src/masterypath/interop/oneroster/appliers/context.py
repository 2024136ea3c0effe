"""The state one OneRoster import shares between its appliers, and their helpers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from django.utils import timezone

from masterypath.accounts.actors import Actor, SystemActor
from masterypath.interop.oneroster.errors import Issue
from masterypath.interop.oneroster.models import SourceRecord
from masterypath.interop.oneroster.reader import Bundle, Row
from masterypath.roster.models import Course, Guardian, Section, Staff, Student
from masterypath.schools.models import AcademicSession, District, School

Report = Callable[..., None]
GRADE_WORDS = {"PK": -1, "PR": -1, "TK": -1, "IT": -1, "KG": 0}


class ImportContext:
    """One import's shared state: the bundle and district, what each applier found (by
    sourcedId) for the appliers after it, the problems and counts, and the progress report.
    The appliers run in file order (orgs, academicSessions, courses, classes, users and
    demographics, enrollments, then the gradebook) and each reads the maps earlier ones
    filled."""

    def __init__(
        self,
        bundle: Bundle,
        district: District,
        actor: Actor | SystemActor | None,
        report: Report,
        *,
        role_from_enrollments: bool = False,
    ) -> None:
        self.bundle = bundle
        self.district = district
        self.actor = actor
        self.report = report
        # A user whose role is student but who teaches a class becomes staff (a teacher).
        self.role_from_enrollments = role_from_enrollments
        self.issues: list[Issue] = list(bundle.issues)
        # file -> sourcedId -> (line, why) of each row refused, so that a row pointing at it
        # says it was refused and why instead of that it is missing.
        self.refused: dict[str, dict[str, tuple[int, str]]] = {}
        for name, why in bundle.broken.items():
            self.refused[f"{name}.csv"] = {
                row.get("sourcedId"): (row.line, why)
                for row in bundle.refused_rows(name)
                if row.get("sourcedId")
            }
        self.warnings: list[Issue] = list(bundle.warnings)
        self.counts: Counter[str] = Counter()
        self.done = 0
        self.total = sum(len(t.rows) for t in bundle.tables.values())
        self.records: dict[tuple[str, str], datetime | None] = {}
        self.seen_records: list[tuple[str, str, datetime | None]] = []
        # What the appliers found, by sourcedId, for those after them.
        self.district_org = ""
        self.schools: dict[str, School] = {}
        self.session_map: dict[str, AcademicSession] = {}
        self.course_map: dict[str, Course] = {}
        self.section_map: dict[str, Section] = {}
        self.student_map: dict[str, Student] = {}
        self.staff_map: dict[str, Staff] = {}
        self.guardian_map: dict[str, Guardian] = {}

    # --- helpers ------------------------------------------------------------------------

    def error(self, file: str, row: Row | None, column: str, message: str) -> None:
        self.issues.append(Issue(file, row.line if row else 0, column, message))
        source_id = row.get("sourcedId") if row else ""
        if source_id:
            self.refused.setdefault(file, {}).setdefault(source_id, (row.line, message))  # type: ignore[union-attr]

    def missing(
        self, file: str, row: Row, column: str, target: str, noun: str, source_id: str
    ) -> None:
        """Report that `row`'s `column` names no usable row of `target` (e.g. classes.csv):
        empty, refused for its own reason (said so, with the reason), or absent."""
        if not source_id:
            self.error(file, row, column, f"required field {column} is empty.")
            return
        refused = self.refused.get(target, {}).get(source_id)
        if refused is not None:
            line, why = refused
            self.error(
                file,
                row,
                column,
                f"{noun} {source_id!r} is in {target} line {line} but was refused: {why}",
            )
            return
        self.error(
            file,
            row,
            column,
            f"{noun} {source_id!r} is not in {target} nor already imported"
            f" for {self.district.name}.",
        )

    def warn(self, file: str, row: Row | None, column: str, message: str) -> None:
        self.warnings.append(Issue(file, row.line if row else 0, column, message))

    def step(self, rows: int, message: str) -> None:
        self.done += rows
        self.report(self.done, self.total, message)

    def date(self, file: str, row: Row, column: str, *, required: bool) -> date | None:
        raw = row.get(column)
        if not raw:
            if required:
                self.error(file, row, column, "A date is required (YYYY-MM-DD).")
            return None
        try:
            return date.fromisoformat(raw[:10]) if len(raw) >= 10 else date.fromisoformat(raw)
        except ValueError:
            self.error(file, row, column, f"{raw!r} is not an ISO 8601 date (YYYY-MM-DD).")
            return None

    def modified(self, file: str, row: Row) -> datetime | None:
        raw = row.get("dateLastModified")
        if not raw:
            return None
        try:
            value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            self.error(
                file,
                row,
                "dateLastModified",
                f"{raw!r} is not an ISO 8601 date-time (e.g. 2023-05-01T18:25:43Z).",
            )
            return None
        if timezone.is_naive(value):
            value = timezone.make_aware(value, UTC)
        return value

    def live(self, name: str, rows: list[Row]) -> list[Row]:
        """The rows to apply: tobedeleted ones handled by the caller; stale deltas skipped."""
        file = f"{name}.csv"
        kept = []
        stale = 0
        for row in rows:
            source_id = row.get("sourcedId") or row.get("userSourcedId")
            stamp = self.modified(file, row)
            status = row.get("status").lower()
            if status and status not in {"active", "tobedeleted", "inactive"}:
                self.error(
                    file,
                    row,
                    "status",
                    f"status must be active or tobedeleted, not {row.get('status')!r}.",
                )
                continue
            previous = self.records.get((name, source_id))
            if stamp and previous and stamp < previous:
                stale += 1
                continue
            if source_id:
                self.seen_records.append((name, source_id, stamp))
            kept.append(row)
        if stale:
            self.warn(
                file,
                None,
                "dateLastModified",
                f"{stale} row(s) older than the version already imported were skipped.",
            )
        return kept

    def deleted(self, name: str, row: Row) -> bool:
        status = row.get("status").lower()
        if status == "tobedeleted" and self.bundle.mode(name) == "bulk":
            self.warn(f"{name}.csv", row, "status", "tobedeleted in a bulk file; row skipped.")
        return status == "tobedeleted"

    @staticmethod
    def grades(raw: str) -> list[int]:
        out = []
        for part in split_ids(raw):
            value = part.upper()
            if value in GRADE_WORDS:
                out.append(GRADE_WORDS[value])
            elif value.isdigit() and 1 <= int(value) <= 12:
                out.append(int(value))
        return out

    def school(self, file: str, row: Row, column: str, source_id: str) -> School | None:
        school = self.schools.get(source_id)
        if school is None:
            self.missing(file, row, column, "orgs.csv", "School", source_id)
        return school

    # --- bookkeeping ---------------------------------------------------------------------

    def load_records(self) -> None:
        self.records = {
            (kind, source_id): stamp
            for kind, source_id, stamp in SourceRecord.objects.filter(
                district_id=self.district.pk
            ).values_list("kind", "source_id", "modified_at")
        }


def split_ids(raw: str) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def assign(obj: Any, values: dict[str, Any]) -> bool:
    """Set changed fields; foreign keys compare by id so that no related row is fetched."""
    changed = False
    for name, value in values.items():
        field = obj._meta.get_field(name)
        if field.is_relation:
            current = getattr(obj, field.attname)
            wanted = value.pk if value is not None else None
        else:
            current, wanted = getattr(obj, name), value
        if current != wanted:
            setattr(obj, name, value)
            changed = True
    return changed
