from django.urls import path

from masterypath.web.earlywarning import views

app_name = "earlywarning"

urlpatterns = [
    path("", views.early_warning_page, name="list"),
    path("export.csv", views.early_warning_export, name="export"),
    path("alerts/", views.early_warning_alerts, name="alerts"),
    path("alerts/read/", views.early_warning_alerts_read, name="alerts-read"),
]
