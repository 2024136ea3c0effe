from django.urls import path

from masterypath.web.earlywarning import views

app_name = "earlywarning"

urlpatterns = [
    path("", views.early_warning_page, name="list"),
    path("export.csv", views.early_warning_export, name="export"),
]
