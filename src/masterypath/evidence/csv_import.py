"""Bulk import of scores from a CSV file: preview every row and every error, then all or none.

Columns (header names, any order, case-insensitive): student_id (the student's local id),
target_code, score, date (YYYY-MM-DD or M/D/YYYY), and optional kind, dok, comment.
Each row gets a deterministic source_id (a hash of what it says), so re-importing the same file,
or a file that repeats rows already imported, adds nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from masterypath.accounts.actors import Actor
from masterypath.accounts.models import User
from masterypath.common.audit import audit_record
from masterypath.common.bulk import chunked
from masterypath.common.models import AuditAction
from masterypath.continuum.models import LearningTarget
from masterypath.evidence.access import can_score_section
from masterypath.evidence.errors import EvidenceError, EvidenceErrorCode
from masterypath.evidence.models import (
    Evidence,
    EvidenceKind,
    EvidenceSource,
    ScoreImport,
    ScoreImportStatus,
)
from masterypath.evidence.services import EvidenceBatchError, EvidenceRow, evidence_record_many
from masterypath.evidence.services.writes import score_import_create, score_import_mark_committed
from masterypath.roster.access import enrolled_in_section_q
from masterypath.roster.models import Section, Student

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 20_000
REQUIRED = ("student_id", "target_code", "score", "date")
OPTIONAL = ("kind", "dok", "comment")
ALIASES = {
    "student": "student_id",
    "student_local_id": "student_id",
    "local_id": "student_id",
    "target": "target_code",
    "learning_target": "target_code",
    "code": "target_code",
    "level": "score",
    "observed_on": "date",
    "assessed_on": "date",
}
IMPORTABLE_KINDS = [kind for kind in EvidenceKind if kind != EvidenceKind.SELF_ASSESSMENT]


def import_max_bytes() -> int:
    """The CSV size limit: setting SCORE_IMPORT_MAX_BYTES, 2 MB by default."""
    return int(getattr(settings, "SCORE_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


@dataclass(frozen=True)
class ImportIssue:
    """One problem: `line` 0 means the file as a whole."""

    line: int
    field: str
    message: str


@dataclass(frozen=True)
class ImportRow:
    line: int
    student: Student
    target: LearningTarget
    score: Decimal
    observed_on: date
    kind: EvidenceKind
    dok: int | None
    comment: str
    source_id: str
    is_already_imported: bool = False


@dataclass
class ImportPreview:
    filename: str
    rows: list[ImportRow] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.issues

    @property
    def new_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if not row.is_already_imported]

    @property
    def skipped_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.is_already_imported]


def _decode(data: bytes, preview: ImportPreview) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        preview.issues.append(
            ImportIssue(
                line,
                "",
                f"The file is not UTF-8 text (byte 0x{data[error.start]:02x} on line "
                f'{line}). Save it as "CSV UTF-8" and upload it again.',
            )
        )
        return None


def _header(text: str, preview: ImportPreview) -> list[str] | None:
    first = text.split("\n", 1)[0].strip("\r")
    if not first.strip():
        preview.issues.append(
            ImportIssue(
                1,
                "",
                f"The file is empty: the first line must name the columns ({', '.join(REQUIRED)}).",
            )
        )
        return None
    if "\x00" in first:
        preview.issues.append(
            ImportIssue(
                1,
                "",
                "The first line holds a NUL (empty) byte: save the file as CSV UTF-8 text.",
            )
        )
        return None
    if "," not in first:
        for delimiter, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "vertical bars")):
            if delimiter in first:
                preview.issues.append(
                    ImportIssue(
                        1,
                        "",
                        f"The columns are separated by {name}; separate them with commas "
                        "(save as CSV).",
                    )
                )
                return None
    names = [
        ALIASES.get(n, n)
        for n in (c.strip().lower().replace(" ", "_") for c in next(csv.reader([first])))
    ]
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        preview.issues.append(
            ImportIssue(
                1,
                ", ".join(missing),
                f"Missing column{'s' if len(missing) > 1 else ''}: "
                f"{', '.join(missing)}. The first line must name the columns "
                f"{', '.join(REQUIRED)} (and optionally {', '.join(OPTIONAL)}).",
            )
        )
        return None
    return names


def _parse_date(raw: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(raw, pattern).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    return None


def _kind(raw: str) -> EvidenceKind | None:
    wanted = raw.strip().lower().replace("-", " ").replace("_", " ")
    if not wanted:
        return EvidenceKind.FORMATIVE
    for kind in IMPORTABLE_KINDS:
        if wanted in {kind.value.replace("_", " "), kind.label.lower().replace("-", " ")}:
            return kind
    return None


def row_source_id(
    *, student_id: int, target_id: int, score: Decimal, observed_on: date, kind: str
) -> str:
    """The same score of the same student on the same target, date and kind: the same id."""
    text = f"{student_id}|{target_id}|{score.normalize()}|{observed_on.isoformat()}|{kind}"
    return "csv:" + hashlib.sha256(text.encode()).hexdigest()[:40]


def _lookups(section: Section) -> tuple[dict[str, Student], dict[str, list[LearningTarget]]]:
    students = {
        s.local_id.strip().lower(): s
        for s in Student.objects.filter(enrolled_in_section_q(section))
    }
    targets: dict[str, list[LearningTarget]] = {}
    for target in (
        LearningTarget.objects.filter(
            competency__domain__framework__courses=section.course_id, is_retired=False
        )
        .select_related("competency__domain__framework__scale")
        .prefetch_related("competency__domain__framework__scale__levels")
    ):
        targets.setdefault(target.code.strip().lower(), []).append(target)
    return students, targets


def _rows(text: str, names: list[str]) -> Iterable[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        padded = values + [""] * (len(names) - len(values))
        yield (
            reader.line_num,
            {name: padded[index].strip() for index, name in enumerate(names)}
            | {"__extra__": "x" if len(values) > len(names) else ""},
        )


def score_import_parse(*, section: Section, filename: str, data: bytes) -> ImportPreview:
    """Read and check every row; the preview lists rows to add and every issue found."""
    preview = ImportPreview(filename=filename)
    if len(data) > import_max_bytes():
        preview.issues.append(
            ImportIssue(
                0,
                "",
                f"{filename} is {len(data) / 1048576:.1f} MB; a score file may be at most "
                f"{import_max_bytes() / 1048576:.1f} MB. Split it into smaller files.",
            )
        )
        return preview
    text = _decode(data, preview)
    if text is None:
        return preview
    names = _header(text, preview)
    if names is None:
        return preview
    students, targets = _lookups(section)
    today = timezone.localdate()
    seen: dict[str, int] = {}
    try:
        for line, values in _rows(text, names):
            if len(preview.rows) + len(preview.issues) > MAX_ROWS:
                preview.issues.append(
                    ImportIssue(line, "", f"More than {MAX_ROWS} rows: split the file.")
                )
                break
            _check_row(line, values, section, students, targets, today, seen, preview)
    except csv.Error as error:
        preview.issues.append(ImportIssue(0, "", f"The file is not valid CSV: {error}."))
    if not preview.rows and not preview.issues:
        preview.issues.append(ImportIssue(0, "", "The file has a header but no rows."))
    already: set[str] = set()
    for chunk in chunked([row.source_id for row in preview.rows]):
        already.update(
            Evidence.objects.filter(source=EvidenceSource.IMPORT, source_id__in=chunk).values_list(
                "source_id", flat=True
            )
        )
    preview.rows = [
        ImportRow(**{**row.__dict__, "is_already_imported": row.source_id in already})
        for row in preview.rows
    ]
    return preview


def _check_row(
    line: int,
    values: dict[str, str],
    section: Section,
    students: dict[str, Student],
    targets: dict[str, list[LearningTarget]],
    today: date,
    seen: dict[str, int],
    preview: ImportPreview,
) -> None:
    issues: list[ImportIssue] = []
    nul = [name for name, value in values.items() if "\x00" in value and name != "__extra__"]
    if nul:
        # An empty byte: not text (a binary file, or one saved in a 16-bit encoding); the
        # database could not store it either.
        preview.issues.extend(
            ImportIssue(
                line,
                name,
                "The value holds a NUL (empty) byte: save the file as CSV UTF-8 text.",
            )
            for name in nul
        )
        return
    if values["__extra__"]:
        issues.append(
            ImportIssue(
                line,
                "",
                "The row has more values than the header has "
                "columns (a comma inside a value needs quotes).",
            )
        )
    student = students.get(values["student_id"].lower())
    if not values["student_id"]:
        issues.append(ImportIssue(line, "student_id", "The student id is empty."))
    elif student is None:
        issues.append(
            ImportIssue(
                line, "student_id", f"No student with id {values['student_id']!r} in {section}."
            )
        )
    matches = targets.get(values["target_code"].lower(), [])
    target = matches[0] if len(matches) == 1 else None
    if not values["target_code"]:
        issues.append(ImportIssue(line, "target_code", "The target code is empty."))
    elif not matches:
        issues.append(
            ImportIssue(
                line,
                "target_code",
                f"Unknown target {values['target_code']!r} for this course's frameworks.",
            )
        )
    elif target is None:
        issues.append(
            ImportIssue(
                line,
                "target_code",
                f"{values['target_code']!r} names "
                f"{len(matches)} targets in this course's frameworks.",
            )
        )
    score: Decimal | None
    try:
        score = Decimal(values["score"])
        if not score.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        score = None
        issues.append(ImportIssue(line, "score", f"{values['score']!r} is not a number."))
    if score is not None and target is not None:
        scale = target.competency.domain.framework.scale
        if not scale.contains(score):
            issues.append(
                ImportIssue(
                    line,
                    "score",
                    f"Score {values['score']} is off the scale "
                    f"of {target.code} ({scale.minimum}-{scale.maximum}).",
                )
            )
    observed_on = _parse_date(values["date"])
    if observed_on is None:
        issues.append(
            ImportIssue(
                line,
                "date",
                f"{values['date']!r} is not a date: write YYYY-MM-DD (e.g. 2026-11-03).",
            )
        )
    elif observed_on > today:
        issues.append(ImportIssue(line, "date", f"The date {observed_on} is in the future."))
    kind = _kind(values.get("kind", ""))
    if kind is None:
        allowed = ", ".join(k.value for k in IMPORTABLE_KINDS)
        issues.append(
            ImportIssue(line, "kind", f"Unknown kind {values['kind']!r}; use one of {allowed}.")
        )
    dok: int | None = None
    if values.get("dok"):
        if values["dok"] in {"1", "2", "3", "4"}:
            dok = int(values["dok"])
        else:
            issues.append(ImportIssue(line, "dok", f"DOK must be 1-4, not {values['dok']!r}."))
    if issues:
        preview.issues.extend(issues)
        return
    if student is None or target is None or score is None or observed_on is None or not kind:
        return  # unreachable: every missing value above added an issue
    source_id = row_source_id(
        student_id=student.pk,
        target_id=target.pk,
        score=score,
        observed_on=observed_on,
        kind=kind.value,
    )
    if source_id in seen:
        preview.issues.append(ImportIssue(line, "", f"Line {line} repeats line {seen[source_id]}."))
        return
    seen[source_id] = line
    preview.rows.append(
        ImportRow(
            line=line,
            student=student,
            target=target,
            score=score,
            observed_on=observed_on,
            kind=kind,
            dok=dok,
            comment=values.get("comment", "")[:1000],
            source_id=source_id,
        )
    )


def _require(actor: Actor, section: Section) -> User:
    if not isinstance(actor, User) or not can_score_section(actor, section):
        raise EvidenceError(EvidenceErrorCode.NOT_ALLOWED, "You may not import for this section.")
    return actor


@transaction.atomic
def score_import_preview(
    *,
    actor: Actor,
    section: Section,
    filename: str,
    data: bytes,
) -> tuple[ScoreImport | None, ImportPreview]:
    """Check a file; when it has no errors, keep it (not its scores) for the teacher to
    confirm. A file with errors is not kept at all."""
    uploader = _require(actor, section)
    preview = score_import_parse(section=section, filename=filename, data=data)
    if not preview.is_valid:
        return None, preview
    text = data.decode("utf-8-sig")
    score_import = score_import_create(
        section=section,
        uploaded_by=uploader,
        filename=filename[:255],
        content=text,
        sha256=hashlib.sha256(data).hexdigest(),
        row_count=len(preview.rows),
    )
    return score_import, preview


def _noon(day: date) -> datetime:
    return min(timezone.make_aware(datetime.combine(day, time(12))), timezone.now())


@transaction.atomic
def score_import_commit(*, actor: Actor, score_import: ScoreImport) -> int:
    """Write every new row of a previewed file, or none; returns how many were added."""
    score_import = (
        ScoreImport.objects.select_for_update().select_related("section").get(pk=score_import.pk)
    )
    section = score_import.section
    user = _require(actor, section)
    if score_import.uploaded_by_id != user.pk:
        raise EvidenceError(EvidenceErrorCode.NOT_ALLOWED, "Only who uploaded it may import it.")
    if score_import.status == ScoreImportStatus.COMMITTED:
        raise EvidenceError(
            EvidenceErrorCode.IMPORT_ALREADY_DONE, f"{score_import.filename} was already imported."
        )
    preview = score_import_parse(
        section=section, filename=score_import.filename, data=score_import.content.encode()
    )
    if not preview.is_valid:
        first = preview.issues[0]
        raise EvidenceError(
            EvidenceErrorCode.IMPORT_INVALID,
            f"Line {first.line}: {first.message} Nothing was imported.",
        )
    try:
        recorded = evidence_record_many(
            actor=user,
            rows=[
                EvidenceRow(
                    student_id=row.student.pk,
                    target_id=row.target.pk,
                    score=row.score,
                    observed_at=_noon(row.observed_on),
                    kind=row.kind,
                    dok=row.dok,
                    source=EvidenceSource.IMPORT,
                    source_id=row.source_id,
                    comment=row.comment,
                )
                for row in preview.new_rows
            ],
            audit_detail={"import": score_import.pk},
        )
    except EvidenceBatchError as error:
        refused = error.errors[0]
        line = preview.new_rows[refused.index].line
        raise EvidenceError(
            EvidenceErrorCode.IMPORT_INVALID,
            f"Line {line}: {refused.message} Nothing was imported.",
        ) from error
    except IntegrityError as error:  # the same rows imported at the same moment elsewhere
        raise EvidenceError(
            EvidenceErrorCode.IMPORT_ALREADY_DONE,
            "These scores were imported meanwhile; nothing was added.",
        ) from error
    added = recorded.created
    score_import_mark_committed(score_import=score_import, added=added)
    audit_record(
        actor=user,
        action=AuditAction.IMPORT,
        subject=score_import,
        detail={"section": section.pk, "added": added, "skipped": len(preview.skipped_rows)},
    )
    return added
