"""The student's own pages: "my continuum" is the student's home."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from masterypath.accounts.models import User
from masterypath.reports.student_dashboard import StudentContinuum, student_continuum
from masterypath.reports.student_words import DomainPosition
from masterypath.roster.access import students_visible_to
from masterypath.web.audit_reads import audit_students_read
from masterypath.web.charts import (
    Chart,
    GrowthPoint,
    TrackRow,
    continuum_track,
    growth_line,
)
from masterypath.web.plans.slot import plan_slot


def track_chart(positions: list[DomainPosition], *, title: str) -> Chart:
    """Each domain's track: the grade worked at now, and the grade expected."""
    return continuum_track(
        rows=[
            TrackRow(
                domain=p.title,
                working_level=float(p.words.working_level),
                expected_level=float(p.words.expected_level),
                relation=p.words.relation,
                standing=p.words.standing.value,
            )
            for p in positions
        ],
        title=title,
    )


def has_growth(positions: list[DomainPosition]) -> bool:
    """Whether any domain has two dated placements: a growth line needs two points."""
    return any(len(p.history) >= 2 for p in positions)


def growth_chart(positions: list[DomainPosition], *, title: str) -> Chart:
    """Placement at each month end, one line per domain."""
    return growth_line(
        points=[
            GrowthPoint(domain=p.title, on=day, placement=level)
            for p in positions
            for day, level in p.history
        ],
        title=title,
        level_label=_("Grade levels completed"),
    )


def my_continuum(request: HttpRequest, user: User) -> HttpResponse:
    """The student's home: where I am, my growth, my next targets, my targets, my work."""
    student = students_visible_to(user).select_related("school").first()
    if student is None:  # a student login whose record is gone
        return render(request, "web/home_empty.html")
    continuum: StudentContinuum = student_continuum(student=student, as_of=timezone.localdate())
    audit_students_read(actor=user, students=[student], page="student.home")
    positions = continuum.positions
    context = {
        "student": student,
        "plan_slot": plan_slot(student=student, on=timezone.localdate()),
        "continuum": continuum,
        "track": track_chart(positions, title=_("Where I am on each continuum"))
        if positions
        else None,
        "growth": growth_chart(positions, title=_("My growth over time"))
        if has_growth(positions)
        else None,
    }
    return render(request, "student/home.html", context)
