"""Leader dashboards: a school's pages for its principal and counselors (and district admins),
the district's pages for district admins. Views stay thin: a guard finds the school or the
district (404 for anyone else), a selector in `reports` builds the figures, the page shows them
and its charts; every table exports to CSV with the same cells, hidden ones included."""

from __future__ import annotations

import csv
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from masterypath.common.audit import audit_record, audit_record_many
from masterypath.common.models import AuditAction
from masterypath.reports.dashboard_base import BAND_LABELS, figures_for
from masterypath.reports.district_dashboard import DistrictDashboard, district_dashboard
from masterypath.reports.equity import SUPPRESSION_NOTE, EquityView, Scope, equity_view
from masterypath.reports.groups import GROUP_DIMENSIONS, dimension_label
from masterypath.reports.models import Dimension
from masterypath.reports.school_dashboard import SchoolDashboard, school_dashboard
from masterypath.reports.student_list import (
    EVIDENCE_FILTERS,
    PACE_FILTERS,
    PLACEMENT_FILTERS,
    SORTS,
    StudentFilters,
    domains_placed_at,
    grades_at,
    student_rows,
    student_standing_list,
    student_table,
)
from masterypath.reports.tables import ReportTable
from masterypath.roster.access import access_school_by_id, schools_visible_to
from masterypath.roster.selectors import student_search_for_user
from masterypath.schools.models import MIN_GROUP_SIZE_RANGE, District, School
from masterypath.schools.services import DistrictSettingError, district_min_group_size_set
from masterypath.web import charts
from masterypath.web.district import admin_district_id

STUDENTS_PER_PAGE = 50
DIMENSIONS = [(str(d), dimension_label(d)) for d in GROUP_DIMENSIONS]


def _dimension(request: HttpRequest) -> str:
    wanted = request.GET.get("by", "")
    return wanted if wanted in {key for key, _ in DIMENSIONS} else str(Dimension.RACE)


def _audit_view(request: HttpRequest, subject: School | District, page: str, **detail: Any) -> None:
    audit_record(
        actor=request.user,
        action=AuditAction.VIEW,
        subject=subject,
        detail={"page": page, **{k: v for k, v in detail.items() if v not in (None, "")}},
    )


def _csv(table: ReportTable, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    writer = csv.writer(response)
    writer.writerow([table.caption])
    for row in table.csv_rows():
        writer.writerow(row)
    if table.note:
        writer.writerow([])
        writer.writerow([table.note])
    return response


# -- a school ---------------------------------------------------------------------------------


def _numbers(chart: charts.Chart, table: ReportTable) -> charts.Chart:
    """The chart with the page's table as its "Show the numbers" (one table, not two)."""
    rows = [[cell.text for cell in row] for row in table.rows]
    return replace(
        chart, table=charts.Table(caption=table.caption, headers=table.headers, rows=rows)
    )


def _school_charts(dashboard: SchoolDashboard) -> dict[str, charts.Chart]:
    grades = [row[0].text for row in dashboard.on_level.rows[:-1]]
    domains = [d.title for d in dashboard.domains]
    result = {
        "on_level": _numbers(
            charts.heatmap(
                values=[(v.column, v.row, v.value) for v in dashboard.on_level_chart],
                rows=domains,
                columns=grades,
                title="Share of students on or above grade level, by area and grade",
                value_title="On or above grade level",
                row_title="Area",
                column_title="Grade",
            ),
            dashboard.on_level,
        )
    }
    if dashboard.selected is not None:
        title = dashboard.selected.title
        result["distribution"] = _numbers(
            charts.stacked_bars(
                values=[(v.row, v.column, v.value) for v in dashboard.distribution_chart],
                rows=grades,
                stacks=list(BAND_LABELS.values()),
                title=f"How far from grade level students work in {title}",
                value_title="Share of the grade's students",
                row_title="Grade",
            ),
            dashboard.distribution,
        )
        series = [g for g in grades if any(v.row == g for v in dashboard.growth_chart)]
        result["growth"] = charts.line_chart(
            values=[(v.row, v.column, v.value) for v in dashboard.growth_chart],
            series=[*series, "Expected"],
            dashed=["Expected"],
            title=f"Grade levels gained in {title} since the school year began, by month",
            value_title="Grade levels gained",
        )
    return result


def render_school_dashboard(request: HttpRequest, school: School) -> HttpResponse:
    """A school's dashboard (also the home page of its principal and counselors)."""
    figures = figures_for(school.district)
    domain = request.GET.get("domain")
    _audit_view(request, school, "school-dashboard", domain=domain)
    if figures is None:
        return render(request, "leaders/no_figures.html", {"school": school})
    dashboard = school_dashboard(school=school, figures=figures, domain_id=domain)
    return render(
        request,
        "leaders/school.html",
        {
            "school": school,
            "dashboard": dashboard,
            "figures": figures,
            "charts": _school_charts(dashboard),
            "tab": "overview",
            "export_query": _query(
                {"domain": str(dashboard.selected.pk)} if dashboard.selected else {}
            ),
            "suppression_note": SUPPRESSION_NOTE.format(threshold=dashboard.threshold),
        },
    )


@login_required
def school_page(request: HttpRequest, school_id: int) -> HttpResponse:
    return render_school_dashboard(request, access_school_by_id(request.user, school_id))


def _equity_charts(view: EquityView) -> dict[str, charts.Chart]:
    if view.selected is None:
        return {}
    title = view.selected.title
    return {
        "shares": charts.bars_with_reference(
            categories=[v.label for v in view.gap_values],
            values=[v.share for v in view.gap_values],
            reference=view.all_share,
            reference_label="All students",
            title=f"On or above grade level in {title} by {view.dimension_label.lower()}",
            value_title="On or above grade level",
        ),
        "gaps": charts.line_chart(
            values=view.gap_trend,
            series=view.gap_series,
            zero_line=True,
            signed=True,
            title=f"Gap to all students in {title}, by month (percentage points)",
            value_title="Gap (points)",
        ),
    }


@login_required
def school_groups(request: HttpRequest, school_id: int) -> HttpResponse:
    """A school's figures by student group (equity), small groups hidden."""
    school = access_school_by_id(request.user, school_id)
    dimension = _dimension(request)
    figures = figures_for(school.district)
    _audit_view(request, school, "school-groups", by=dimension, domain=request.GET.get("domain"))
    if figures is None:
        return render(request, "leaders/no_figures.html", {"school": school})
    view = equity_view(
        scope=Scope(district=school.district, school=school),
        figures=figures,
        dimension=dimension,
        domain_id=request.GET.get("domain"),
    )
    return render(
        request,
        "leaders/groups.html",
        {
            "school": school,
            "view": view,
            "figures": figures,
            "dimensions": DIMENSIONS,
            "charts": _equity_charts(view),
            "tab": "groups",
            "export_query": _equity_query(view),
        },
    )


def _equity_query(view: EquityView) -> str:
    params = {"by": view.dimension}
    if view.selected is not None:
        params["domain"] = str(view.selected.pk)
    return _query(params)


def _student_context(request: HttpRequest, school: School) -> dict[str, Any]:
    domains = domains_placed_at(school=school)
    filters = StudentFilters.from_params(request.GET, domains=domains)
    domain = next((d for d in domains if d.pk == filters.domain_id), None)
    students = student_standing_list(school=school, filters=filters)
    return {"domains": domains, "domain": domain, "filters": filters, "students": students}


@login_required
def school_students(request: HttpRequest, school_id: int) -> HttpResponse:
    """A school's students with their standing in one area: filter, sort, page through."""
    school = access_school_by_id(request.user, school_id)
    context = _student_context(request, school)
    filters: StudentFilters = context["filters"]
    page = Paginator(context["students"], STUDENTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = student_rows(list(page.object_list), domain=context["domain"])
    audit_record_many(
        actor=request.user,
        action=AuditAction.VIEW,
        subjects=[row.student for row in rows],
        student_id_of=lambda student: student.pk,
        detail={"page": "school-students"},
    )
    grades = grades_at(school=school)
    sort_links = {
        key: "?"
        + _query(
            filters.as_params(
                sort=key, descending=not filters.descending if filters.sort == key else False
            )
        )
        for key in SORTS
    }
    return render(
        request,
        "leaders/students.html",
        {
            **context,
            "school": school,
            "figures": figures_for(school.district),
            "page": page,
            "rows": rows,
            "grades": grades,
            "placement_filters": PLACEMENT_FILTERS,
            "pace_filters": PACE_FILTERS,
            "evidence_filters": EVIDENCE_FILTERS,
            "sort_links": sort_links,
            "page_query": _query(filters.as_params()),
            "export_query": _query(filters.as_params()),
            "tab": "students",
        },
    )


def _query(params: dict[str, str]) -> str:
    return urlencode(params)


def _student_table(request: HttpRequest, school: School) -> ReportTable:
    context = _student_context(request, school)
    students = list(context["students"])
    audit_record_many(
        actor=request.user,
        action=AuditAction.VIEW,
        subjects=students,
        student_id_of=lambda student: student.pk,
        detail={"page": "school-students-export"},
    )
    return student_table(
        school=school,
        rows=student_rows(students, domain=context["domain"]),
        domain=context["domain"],
    )


@login_required
def school_export(request: HttpRequest, school_id: int, page: str, table: str) -> HttpResponse:
    """One table of a school's pages as CSV, with the page's suppression."""
    school = access_school_by_id(request.user, school_id)
    figures = figures_for(school.district)
    if page == "students" and table == "students":
        return _csv(_student_table(request, school), f"{school.name} students")
    if figures is None:
        raise Http404("No figures yet.")
    tables: dict[str, ReportTable]
    if page == "overview":
        tables = school_dashboard(
            school=school, figures=figures, domain_id=request.GET.get("domain")
        ).tables()
    elif page == "groups":
        tables = equity_view(
            scope=Scope(district=school.district, school=school),
            figures=figures,
            dimension=_dimension(request),
            domain_id=request.GET.get("domain"),
        ).tables()
    else:
        raise Http404("No such page.")
    if table not in tables:
        raise Http404("No such table.")
    _audit_view(request, school, f"export-{page}-{table}", by=request.GET.get("by"))
    return _csv(tables[table], f"{school.name} {table}")


# -- the district -----------------------------------------------------------------------------


def _with_school_links(table: ReportTable, schools: list[School]) -> ReportTable:
    names = {school.name: school.pk for school in schools}
    rows = [
        [
            replace(row[0], href=reverse("leaders:school", args=[names[row[0].text]]))
            if row[0].text in names
            else row[0],
            *row[1:],
        ]
        for row in table.rows
    ]
    return replace(table, rows=rows)


def render_district_dashboard(request: HttpRequest, district: District) -> HttpResponse:
    """The district's dashboard (the home page of its district admins)."""
    figures = figures_for(district)
    query = request.GET.get("q", "").replace("\x00", "").strip()
    _audit_view(request, district, "district-dashboard", q=query)
    found = list(student_search_for_user(user=request.user, query=query)[:50]) if query else []
    context: dict[str, Any] = {"district": district, "query": query, "found": found}
    if figures is None:
        context["schools"] = schools_visible_to(request.user).order_by("grade_low", "name")
        return render(request, "leaders/district.html", context)
    dashboard: DistrictDashboard = district_dashboard(
        district=district, figures=figures, domain_id=request.GET.get("domain")
    )
    tables = {
        "on_level": _with_school_links(dashboard.on_level, dashboard.schools),
        "growth": _with_school_links(dashboard.growth, dashboard.schools),
        "coverage": _with_school_links(dashboard.coverage, dashboard.schools),
        "years": _with_school_links(dashboard.years, dashboard.schools),
    }
    chart_set = {
        "on_level": _numbers(
            charts.heatmap(
                values=[(v.row, v.column, v.value) for v in dashboard.on_level_chart],
                rows=[s.name for s in dashboard.schools],
                columns=[d.title for d in dashboard.domains],
                title="Share of students on or above grade level, by school and area",
                value_title="On or above grade level",
                row_title="School",
                column_title="Area",
            ),
            dashboard.on_level,
        )
    }
    if dashboard.selected is not None:
        chart_set["trend"] = charts.line_chart(
            values=dashboard.trend_chart,
            series=dashboard.trend_series,
            percent=True,
            title=f"On or above grade level in {dashboard.selected.title}, by month and school",
            value_title="On or above grade level",
        )
    context.update(
        {
            "dashboard": dashboard,
            "figures": figures,
            "tables": tables,
            "charts": chart_set,
            "export_query": _query(
                {"domain": str(dashboard.selected.pk)} if dashboard.selected else {}
            ),
            "suppression_note": SUPPRESSION_NOTE.format(threshold=dashboard.threshold),
        }
    )
    return render(request, "leaders/district.html", {**context, "tab": "overview"})


def _admin_district(request: HttpRequest) -> District:
    return District.objects.get(pk=admin_district_id(request))


@login_required
def district_page(request: HttpRequest) -> HttpResponse:
    return render_district_dashboard(request, _admin_district(request))


@login_required
def district_groups(request: HttpRequest) -> HttpResponse:
    """The district's figures by student group (equity), small groups hidden."""
    district = _admin_district(request)
    dimension = _dimension(request)
    figures = figures_for(district)
    _audit_view(request, district, "district-groups", by=dimension)
    if figures is None:
        return render(request, "leaders/no_figures.html", {"district": district})
    view = equity_view(
        scope=Scope(district=district),
        figures=figures,
        dimension=dimension,
        domain_id=request.GET.get("domain"),
    )
    schools = list(schools_visible_to(request.user))
    return render(
        request,
        "leaders/groups.html",
        {
            "district": district,
            "view": view,
            "by_place": _with_school_links(view.by_place, schools),
            "figures": figures,
            "dimensions": DIMENSIONS,
            "charts": _equity_charts(view),
            "tab": "groups",
            "export_query": _equity_query(view),
        },
    )


@login_required
def district_export(request: HttpRequest, page: str, table: str) -> HttpResponse:
    """One table of the district's pages as CSV, with the page's suppression."""
    district = _admin_district(request)
    figures = figures_for(district)
    if figures is None:
        raise Http404("No figures yet.")
    tables: dict[str, ReportTable]
    if page == "overview":
        tables = district_dashboard(
            district=district, figures=figures, domain_id=request.GET.get("domain")
        ).tables()
    elif page == "groups":
        tables = equity_view(
            scope=Scope(district=district),
            figures=figures,
            dimension=_dimension(request),
            domain_id=request.GET.get("domain"),
        ).tables()
    else:
        raise Http404("No such page.")
    if table not in tables:
        raise Http404("No such table.")
    _audit_view(request, district, f"export-{page}-{table}", by=request.GET.get("by"))
    return _csv(tables[table], f"{district.name} {table}")


class GroupSizeForm(forms.Form):
    min_group_size = forms.IntegerField(
        label="Smallest group of students shown in reports",
        min_value=MIN_GROUP_SIZE_RANGE[0],
        max_value=MIN_GROUP_SIZE_RANGE[1],
        help_text=(
            f"Between {MIN_GROUP_SIZE_RANGE[0]} and {MIN_GROUP_SIZE_RANGE[1]} students; "
            "smaller groups are hidden, with complements."
        ),
    )


@login_required
def district_settings(request: HttpRequest) -> HttpResponse:
    """District admins set the smallest group reports show."""
    district = _admin_district(request)
    form = GroupSizeForm(request.POST or None, initial={"min_group_size": district.min_group_size})
    if request.method == "POST" and form.is_valid():
        try:
            district_min_group_size_set(
                actor=request.user,
                district=district,
                size=form.cleaned_data["min_group_size"],
            )
        except DistrictSettingError as error:
            form.add_error("min_group_size", error.message)
        else:
            messages.success(
                request,
                f"Reports now hide groups of fewer than {district.min_group_size} students.",
            )
            return redirect("leaders:district-settings")
    return render(
        request,
        "leaders/settings.html",
        {"district": district, "form": form, "tab": "settings"},
    )
