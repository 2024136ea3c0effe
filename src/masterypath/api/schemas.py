"""Response and request bodies of the REST API."""

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema
from pydantic import AfterValidator, BeforeValidator

from masterypath.engine.mastery import Method
from masterypath.evidence.models import EvidenceKind

# PostgreSQL text cannot hold NUL characters: refuse them with 422 rather than fail.
NO_NUL = r"^[^\x00]*$"

# Evidence dates outside these years are typing mistakes (0001-01-01, a two-digit year).
FIRST_YEAR, LAST_YEAR = 1900, 2200
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _iso_8601_text(value: object) -> object:
    """Only text that starts with YYYY-MM-DD: pydantic would also read a number, or a string
    of digits, as a Unix time."""
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError(
            "must be an ISO 8601 date-time string such as 2025-03-14T10:30:00-04:00 "
            "(a number is not a date)"
        )
    return value


def _plausible_and_aware(value: datetime) -> datetime:
    """A year in FIRST_YEAR..LAST_YEAR; without an offset, the time is read in the district's
    time zone (settings.TIME_ZONE)."""
    from django.utils import timezone

    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"year {value.year} is outside {FIRST_YEAR}-{LAST_YEAR}")
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_default_timezone())
    return value


# A moment sent by a client: ISO 8601 text with a plausible year, aware once parsed.
Moment = Annotated[datetime, BeforeValidator(_iso_8601_text), AfterValidator(_plausible_and_aware)]


class ErrorOut(Schema):
    detail: str
    code: str = ""


class StudentOut(Schema):
    id: int
    local_id: str
    source_id: str
    given_name: str
    family_name: str
    preferred_name: str
    grade_level: int
    school_id: int
    is_active: bool


class SectionOut(Schema):
    id: int
    title: str
    period: str
    source_id: str
    school_id: int
    course_id: int
    course_title: str = Field(alias="course.title")
    session_id: int


class FrameworkOut(Schema):
    id: int
    title: str
    version: str
    publisher: str
    subject: str
    case_uuid: str
    case_uri: str
    district_id: int | None


class TargetOut(Schema):
    id: int
    code: str
    statement: str
    level: int
    level_high: int | None
    dok_ceiling: int | None
    case_uuid: str
    case_uri: str
    competency_id: int
    is_retired: bool


class EvidenceOut(Schema):
    id: int
    student_id: int
    target_id: int
    target_code: str = Field(alias="target.code")
    score: Decimal
    observed_at: datetime
    kind: str
    dok: int | None
    source: str
    source_id: str
    comment: str
    is_voided: bool
    voided_reason: str


class EvidenceIn(Schema):
    student_id: int = Field(ge=1, le=2**62)
    target_id: int = Field(ge=1, le=2**62)
    score: Decimal = Field(ge=-1000, le=1000, max_digits=6, decimal_places=2)
    observed_at: Moment
    kind: EvidenceKind = EvidenceKind.FORMATIVE
    dok: int | None = Field(default=None, ge=1, le=4)
    comment: str = Field(default="", max_length=5000, pattern=NO_NUL)


class VoidIn(Schema):
    reason: str = Field(min_length=1, max_length=2000, pattern=NO_NUL)


class MasteryOut(Schema):
    target_id: int
    code: str
    method: Method
    value: float | None
    level_label: str
    is_proficient: bool
    status: str
    evidence_count: int
    last_observed_at: datetime | None


class GrowthOut(Schema):
    levels_per_month: float | None
    pace: float | None
    projected_on: date | None
    is_slowing: bool
    n_placements: int


class PlacementOut(Schema):
    domain_id: int
    domain: str
    framework_id: int
    placed_on: date
    completed: float
    level: float
    grade_level: int
    growth: GrowthOut


class GridStudentOut(Schema):
    id: int
    given_name: str
    family_name: str


class GridTargetOut(Schema):
    id: int
    code: str
    level: int


class GridCellOut(Schema):
    student_id: int
    target_id: int
    method: Method
    value: float | None
    level_label: str
    is_proficient: bool
    evidence_count: int
    explanation: str


class SectionMasteryOut(Schema):
    section_id: int
    students: list[GridStudentOut]
    targets: list[GridTargetOut]
    cells: list[GridCellOut]


def as_utc(value: datetime) -> datetime:
    """A query bound in UTC: PostgreSQL refuses offsets beyond +-15:59 (e.g. +19:00) that
    ISO 8601 parsers accept, and a naive value is read in the server's time zone."""
    from django.utils import timezone

    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value.astimezone(UTC)
