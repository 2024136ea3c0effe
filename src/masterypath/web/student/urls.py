"""Exports of a student's record under /students/<id>/ (the profile itself is 'student-detail')."""

from django.urls import path

from masterypath.web.student import profile

app_name = "student"

urlpatterns = [
    path("<int:student_id>/evidence.csv", profile.evidence_csv, name="evidence-csv"),
    path("<int:student_id>/placements.csv", profile.placements_csv, name="placements-csv"),
]
