"""Intervention pages under /interventions/."""

from django.urls import path

from masterypath.web.interventions import views

app_name = "interventions"

urlpatterns = [
    path("start/", views.start, name="start"),
    path("root-causes/new/", views.root_cause_new, name="root-cause-new"),
    path("caseload/", views.caseload, name="caseload"),
    path("what-works/", views.what_works_page, name="what-works"),
    path("<int:intervention_id>/", views.detail, name="detail"),
    path("<int:intervention_id>/sessions/", views.session_new, name="session-new"),
    path(
        "<int:intervention_id>/participants/<int:participant_id>/checks/",
        views.check_new,
        name="check-new",
    ),
    path(
        "<int:intervention_id>/participants/<int:participant_id>/close/",
        views.close,
        name="close",
    ),
]
