from django.urls import path

from masterypath.web.audit_log import views

urlpatterns = [
    path("", views.audit_log, name="audit-log"),
    path("audit-log.csv", views.audit_log_csv, name="audit-log-csv"),
]
