"""Resource pages under /resources/."""

from django.urls import path

from masterypath.web.resources import views

app_name = "resources"

urlpatterns = [
    path("", views.library, name="library"),
    path("new/", views.resource_new, name="new"),
    path("review/", views.review_queue, name="review"),
    path("impact/", views.impact_report, name="impact"),
    path("<int:resource_id>/review/", views.review_action, name="review-action"),
    path("<int:resource_id>/use/<slug:action>/", views.use_action, name="use"),
    path("<int:resource_id>/step/", views.add_to_step, name="add-to-step"),
    path("<int:resource_id>/assign/", views.assign_to_section, name="assign"),
]
