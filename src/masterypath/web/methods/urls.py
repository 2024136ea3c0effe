from django.urls import path

from masterypath.web.methods import views

urlpatterns = [
    path("", views.method_report, name="method-report"),
    path("run/", views.method_report_run, name="method-report-run"),
    path("choose/", views.method_choose, name="method-choose"),
]
