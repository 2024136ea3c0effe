"""The family's pages: the guardian's home (every linked child), one child, and the printable
progress report (PDF). A guardian reaches only linked children: any other id answers 404."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from masterypath.accounts.models import User
from masterypath.interventions.selectors import InterventionView, interventions_for_students
from masterypath.reports.family import ChildSummary, family_overview, progress_report
from masterypath.reports.student_words import SchoolYear, school_year_of
from masterypath.roster.access import access_student_by_id, students_visible_to
from masterypath.roster.models import Guardian, Student
from masterypath.web.audit_reads import audit_students_read
from masterypath.web.charts import Chart
from masterypath.web.family.forms import ReportPeriodForm
from masterypath.web.family.print_charts import PrintLine, growth_svg, legend
from masterypath.web.student.views import growth_chart, has_growth, track_chart


def _fetch_nothing(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    """The report is self-contained (styles inline): WeasyPrint fetches no URL."""
    raise ValueError(f"The progress report loads nothing from outside: {url}")


@dataclass(frozen=True)
class ChildView:
    summary: ChildSummary
    track: Chart | None
    growth: Chart | None
    form: ReportPeriodForm
    supports: list[InterventionView] = field(default_factory=list)


def _guardian_of(user: User) -> Guardian | None:
    try:
        guardian: Guardian = user.guardian
    except Guardian.DoesNotExist:
        return None
    return guardian


def _child_views(user: User, children: list[Student]) -> list[ChildView]:
    today = timezone.localdate()
    summaries = family_overview(actor=user, children=children, as_of=today, now=timezone.now())
    years: dict[int, SchoolYear] = {}
    supports = interventions_for_students(actor=user, students=children, as_of=today)
    views = []
    for summary in summaries:
        name = summary.student.display_name
        positions = summary.positions
        district_id = summary.student.district_id
        if district_id not in years:
            years[district_id] = school_year_of(district_id=district_id, on=today)
        year = years[district_id]
        views.append(
            ChildView(
                summary=summary,
                track=track_chart(
                    positions, title=_("Where %(name)s is on each continuum") % {"name": name}
                )
                if positions
                else None,
                growth=growth_chart(positions, title=_("%(name)s's growth") % {"name": name})
                if has_growth(positions)
                else None,
                form=ReportPeriodForm(
                    initial={"start": max(year.starts_on, date(2000, 1, 1)), "end": today},
                    auto_id=f"report-{summary.student.pk}-%s",
                ),
                supports=supports.get(summary.student.pk, []),
            )
        )
    return views


def family_home(request: HttpRequest, user: User) -> HttpResponse:
    """The guardian's home: each linked child in plain words."""
    children = list(students_visible_to(user).select_related("school").order_by("given_name"))
    views = _child_views(user, children)
    guardian = _guardian_of(user)
    audit_students_read(actor=user, students=children, page="family.home", subject=guardian)
    return render(request, "family/home.html", {"children": views, "guardian": guardian})


@login_required
def child_detail(request: HttpRequest, student_id: int) -> HttpResponse:
    """One child of the family (or any student the reader may see), 404 otherwise."""
    user: User = request.user  # type: ignore[assignment]
    student = access_student_by_id(user, student_id)
    views = _child_views(user, [student])
    audit_students_read(actor=user, students=[student], page="family.child")
    return render(request, "family/child.html", {"child": views[0]})


@login_required
def progress_report_pdf(request: HttpRequest, student_id: int) -> HttpResponse:
    """The printable progress report of one child for a chosen period, as a PDF in the
    reader's language; a bad period shows the form again with what to fix (400)."""
    user: User = request.user  # type: ignore[assignment]
    student = access_student_by_id(user, student_id)
    form = ReportPeriodForm(request.GET, auto_id=f"report-{student.pk}-%s")
    if not form.is_valid():
        return render(
            request, "family/report_form.html", {"student": student, "form": form}, status=400
        )
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    report = progress_report(student=student, starts_on=start, ends_on=end)
    audit_students_read(
        actor=user,
        students=[student],
        page="family.report",
        detail={"start": start.isoformat(), "end": end.isoformat()},
    )
    lines = [
        PrintLine(d.position.title, [p for p in d.position.history if p[0] >= start])
        for d in report.domains
    ]
    chart = growth_svg(lines, starts_on=start, ends_on=end, level_label=_("Grade level"))
    html = render_to_string(
        "family/report_pdf.html",
        {
            "report": report,
            "language": get_language(),
            "printed_on": timezone.localdate(),
            "growth_svg": chart,
            "legend": legend(lines),
        },
        request=request,
    )
    from weasyprint import HTML  # imported here: loading pango costs every other page nothing

    pdf = HTML(string=html, url_fetcher=_fetch_nothing).write_pdf()
    name = slugify(student.display_name) or "student"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="progress-report-{name}-{start.isoformat()}-{end.isoformat()}.pdf"'
    )
    return response
