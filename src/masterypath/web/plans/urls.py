"""Learning plan pages under /plans/."""

from django.urls import path

from masterypath.web.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plans_home, name="home"),
    path("advisees/", views.advisees_page, name="advisees"),
    path("students/<int:student_id>/", views.student_plans, name="student"),
    path("students/<int:student_id>/profile/", views.profile_page, name="profile"),
    path("<int:plan_id>/", views.plan_page, name="plan"),
    path("<int:plan_id>/goals/", views.goal_add_view, name="goal-add"),
    path("<int:plan_id>/notes/", views.note_add_view, name="note-add"),
    path("<int:plan_id>/<slug:action>/", views.plan_action_view, name="action"),
    path("goals/<int:goal_id>/steps/", views.step_add_view, name="step-add"),
    path("goals/<int:goal_id>/drop/", views.goal_drop_view, name="goal-drop"),
    path("steps/<int:step_id>/done/", views.step_done_view, name="step-done"),
    path("notes/<int:note_id>/resolve/", views.proposal_resolve_view, name="proposal-resolve"),
]
