"""What a family reads: each linked child in plain words, what changed since the last visit,
recent work, the teachers and how to reach them; and the progress report for a period.

The guardian's previous visit per child comes from the audit log: every family page writes one
`view` entry listing the children it showed (see `web.audit_reads`), so the latest such entry
older than `VISIT_GAP` is the last visit (reloading the page does not reset what is new).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import translation

from masterypath.accounts.actors import Actor
from masterypath.common.models import AuditAction, AuditEntry
from masterypath.engine.wording import PlacementWords, grade_name
from masterypath.evidence.models import Evidence
from masterypath.reports.student_dashboard import (
    EVIDENCE_FIELDS,
    EvidenceRow,
    evidence_rows,
    readable_evidence,
)
from masterypath.reports.student_words import (
    DomainPosition,
    day_range,
    domain_positions,
    placement_history,
    placement_on,
    placement_words_for,
)
from masterypath.roster.models import Enrollment, EnrollmentRole, Student

FAMILY_PAGES = ("family.home", "family.child")
# Page views closer together than this are one visit: a reload shows the same changes.
VISIT_GAP = timedelta(hours=1)
RECENT_WORK = 5
REPORT_EVIDENCE_SHOWN = 60


@dataclass(frozen=True)
class Teacher:
    name: str
    email: str
    courses: tuple[str, ...]


@dataclass(frozen=True)
class DomainChange:
    """A domain's position at the last visit and now (None before: no placement then)."""

    title: str
    before: PlacementWords | None
    now: PlacementWords

    @property
    def levels_moved(self) -> int:
        return 0 if self.before is None else self.now.working_level - self.before.working_level

    @property
    def now_name(self) -> str:
        """The grade worked at now: 'grade 4', 'kindergarten' (in the reader's language)."""
        return grade_name(self.now.working_level, translator=translation)

    @property
    def before_name(self) -> str:
        return (
            ""
            if self.before is None
            else grade_name(self.before.working_level, translator=translation)
        )


@dataclass(frozen=True)
class ChildSummary:
    student: Student
    positions: list[DomainPosition]
    last_visit: datetime | None
    new_scores: int
    changes: list[DomainChange]
    recent_work: list[EvidenceRow]
    teachers: list[Teacher]

    @property
    def on_track_count(self) -> int:
        return sum(1 for p in self.positions if p.on_track)


def last_family_visits(*, actor: Actor, before: datetime) -> dict[int, datetime]:
    """When `actor` last opened a family page showing each child, at least `VISIT_GAP`
    before `before` (one query)."""
    if not getattr(actor, "is_authenticated", False):
        return {}
    entries = AuditEntry.objects.filter(
        actor_id=actor.pk,
        action=AuditAction.VIEW,
        detail__page__in=FAMILY_PAGES,
        at__lt=before - VISIT_GAP,
    ).order_by("-at", "-id")
    visits: dict[int, datetime] = {}
    for at, detail in entries.values_list("at", "detail")[:200]:
        for student_id in detail.get("students", []):
            visits.setdefault(int(student_id), at)
    return visits


def teachers_of(*, student_ids: Sequence[int], on: date) -> dict[int, list[Teacher]]:
    """Each student's teachers in the sections of the term holding `on` (two queries)."""
    sections: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for student_id, section_id, course in Enrollment.objects.filter(
        role=EnrollmentRole.STUDENT,
        student_id__in=list(student_ids),
        section__session__starts_on__lte=on,
        section__session__ends_on__gte=on,
    ).values_list("student_id", "section_id", "section__course__title"):
        sections[student_id].append((section_id, course))
    staff: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    section_ids = {section_id for rows in sections.values() for section_id, _ in rows}
    for section_id, staff_id, given, family, email in (
        Enrollment.objects.filter(role=EnrollmentRole.TEACHER, section_id__in=section_ids)
        .order_by("staff__family_name", "staff__given_name")
        .values_list(
            "section_id", "staff_id", "staff__given_name", "staff__family_name", "staff__email"
        )
    ):
        staff[section_id].append((staff_id, f"{given} {family}", email))
    result: dict[int, list[Teacher]] = {}
    for student_id, rows in sections.items():
        courses: dict[int, list[str]] = defaultdict(list)
        people: dict[int, tuple[str, str]] = {}
        for section_id, course in rows:
            for staff_id, name, email in staff[section_id]:
                people[staff_id] = (name, email)
                if course not in courses[staff_id]:
                    courses[staff_id].append(course)
        result[student_id] = sorted(
            (
                Teacher(name, email, tuple(sorted(courses[i])))
                for i, (name, email) in people.items()
            ),
            key=lambda t: t.name,
        )
    return result


def _new_scores(visits: dict[int, datetime], student_ids: Sequence[int]) -> dict[int, int]:
    """Evidence recorded since each child's last visit (one query)."""
    since = Q()
    for student_id in student_ids:
        if student_id in visits:
            since |= Q(student_id=student_id, recorded_at__gt=visits[student_id])
    if not since:
        return {}
    return dict(
        Evidence.objects.filter(readable_evidence())
        .filter(since)
        .values("student_id")
        .annotate(n=Count("id"))
        .values_list("student_id", "n")
    )


def _recent_work(student_ids: Sequence[int], limit: int) -> dict[int, list[EvidenceRow]]:
    """The latest `limit` pieces of evidence of each student (two queries)."""
    ranked = (
        Evidence.objects.filter(readable_evidence(), student_id__in=list(student_ids))
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("student_id")],
                order_by=[F("observed_at").desc(), F("id").desc()],
            )
        )
        .filter(rank__lte=limit)
        .order_by("student_id", "-observed_at", "-id")
    )
    raw = list(ranked.values_list("student_id", *EVIDENCE_FIELDS))
    rows = evidence_rows(row[1:] for row in raw)
    work: dict[int, list[EvidenceRow]] = defaultdict(list)
    for source, row in zip(raw, rows, strict=True):
        work[int(source[0])].append(row)
    return work


def family_overview(
    *, actor: Actor, children: Sequence[Student], as_of: date, now: datetime
) -> list[ChildSummary]:
    """Every child's summary for the family page, in a fixed number of queries."""
    ids = [child.pk for child in children]
    if not ids:
        return []
    visits = last_family_visits(actor=actor, before=now)
    history, domains = placement_history(student_ids=ids, until=as_of)
    new_scores = _new_scores(visits, ids)
    work = _recent_work(ids, RECENT_WORK)
    teachers = teachers_of(student_ids=ids, on=as_of)
    summaries = []
    for child in children:
        child_history = history.get(child.pk, {})
        positions = domain_positions(
            student=child, history=child_history, domains=domains, as_of=as_of
        )
        visit = visits.get(child.pk)
        changes = []
        if visit is not None:
            for position in positions:
                before = placement_on(child_history.get(position.domain.pk, []), visit.date())
                changes.append(
                    DomainChange(
                        title=position.title,
                        before=None
                        if before is None
                        else placement_words_for(
                            before, grade_level=child.grade_level, domain=position.title
                        ),
                        now=position.words,
                    )
                )
        summaries.append(
            ChildSummary(
                student=child,
                positions=positions,
                last_visit=visit,
                new_scores=new_scores.get(child.pk, 0),
                changes=changes,
                recent_work=work.get(child.pk, []),
                teachers=teachers.get(child.pk, []),
            )
        )
    return summaries


@dataclass(frozen=True)
class ReportDomain:
    position: DomainPosition  # at the end of the period, pace over the period
    at_start: PlacementWords | None
    scores: int = 0
    proficient_scores: int = 0


@dataclass(frozen=True)
class ProgressReport:
    student: Student
    starts_on: date
    ends_on: date
    domains: list[ReportDomain]
    evidence: list[EvidenceRow]  # newest first, at most REPORT_EVIDENCE_SHOWN
    evidence_count: int
    teachers: list[Teacher]
    comments: list[EvidenceRow] = field(default_factory=list)

    @property
    def more_evidence(self) -> int:
        return max(self.evidence_count - len(self.evidence), 0)


def progress_report(*, student: Student, starts_on: date, ends_on: date) -> ProgressReport:
    """A child's progress from `starts_on` to `ends_on` (both included), for print."""
    history, domains = placement_history(student_ids=[student.pk], until=ends_on)
    child_history = history.get(student.pk, {})
    positions = domain_positions(
        student=student, history=child_history, domains=domains, as_of=ends_on, since=starts_on
    )
    rows = evidence_rows(
        Evidence.objects.filter(
            readable_evidence(), day_range("observed_at", starts_on, ends_on), student=student
        )
        .order_by("-observed_at", "-id")
        .values_list(*EVIDENCE_FIELDS)
    )
    per_domain: dict[int, list[EvidenceRow]] = defaultdict(list)
    for row in rows:
        per_domain[row.target.domain_id].append(row)
    report_domains = []
    for position in positions:
        before = placement_on(child_history.get(position.domain.pk, []), starts_on)
        scored = per_domain.get(position.domain.pk, [])
        report_domains.append(
            ReportDomain(
                position=position,
                at_start=None
                if before is None
                else placement_words_for(
                    before, grade_level=student.grade_level, domain=position.title
                ),
                scores=len(scored),
                proficient_scores=sum(1 for row in scored if row.is_proficient),
            )
        )
    return ProgressReport(
        student=student,
        starts_on=starts_on,
        ends_on=ends_on,
        domains=report_domains,
        evidence=rows[:REPORT_EVIDENCE_SHOWN],
        evidence_count=len(rows),
        teachers=teachers_of(student_ids=[student.pk], on=ends_on).get(student.pk, []),
        comments=[row for row in rows if row.comment][:20],
    )
