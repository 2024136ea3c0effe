from django.urls import path

from masterypath.web.imports import views

urlpatterns = [
    path("", views.import_index, name="imports-index"),
    path("case/", views.case_upload, name="imports-case"),
    path("oneroster/", views.oneroster_upload, name="imports-oneroster"),
    path("jobs/<int:job_id>/", views.job_detail, name="imports-job"),
    path("jobs/<int:job_id>/progress/", views.job_progress, name="imports-job-progress"),
    path("jobs/<int:job_id>/errors.csv", views.job_errors_csv, name="imports-job-errors"),
]
