"""Family pages under /family/."""

from django.urls import path

from masterypath.web.family import views

app_name = "family"

urlpatterns = [
    path("children/<int:student_id>/", views.child_detail, name="child"),
    path("children/<int:student_id>/report.pdf", views.progress_report_pdf, name="report"),
]
