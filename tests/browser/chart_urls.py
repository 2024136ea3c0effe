"""A page that shows one of each chart kind, to check the chart plumbing in a real browser."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import include, path

from masterypath.web.charts import GrowthPoint, TrackRow, bar_chart, continuum_track, growth_line


def charts_page(request: HttpRequest) -> HttpResponse:
    charts = [
        growth_line(
            points=[
                GrowthPoint("Mathematics", date(2026, month, 28), 3.0 + month / 10)
                for month in range(1, 7)
            ]
            + [
                GrowthPoint("Reading", date(2026, month, 28), 2.5 + month / 8)
                for month in range(1, 7)
            ],
            title="My growth",
            level_label="Grade level",
        ),
        continuum_track(
            rows=[
                TrackRow("Mathematics", 3, 5, "2 grades below", "below"),
                TrackRow("Reading", 5, 5, "on grade level", "on"),
                TrackRow("Habits of learning", 6, 5, "1 grade ahead", "ahead"),
            ],
            title="Where I am",
        ),
        bar_chart(
            categories=["Grade 3", "Grade 4", "Grade 5"],
            values=[0.61, 0.72, 0.55],
            title="On or above grade level",
            value_title="Share of students",
            percent=True,
        ),
    ]
    return render(request, "chart_test.html", {"charts": charts})


urlpatterns = [
    path("chart-test/", charts_page),
    path("", include("masterypath.urls")),
]
