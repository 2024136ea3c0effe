"""Teacher pages under /teach/ (and the student's own exit tickets and uploads)."""

from django.urls import path

from masterypath.web.teacher import views

app_name = "teacher"

urlpatterns = [
    path("sections/<int:section_id>/gradebook/", views.gradebook, name="gradebook"),
    path("sections/<int:section_id>/assessments/", views.assessment_list, name="assessment-list"),
    path("sections/<int:section_id>/assessments/new/", views.assessment_new, name="assessment-new"),
    path("sections/<int:section_id>/exit-ticket/", views.exit_ticket_new, name="exit-ticket-new"),
    path(
        "sections/<int:section_id>/observations/new/", views.observation_new, name="observation-new"
    ),
    path("sections/<int:section_id>/work/", views.work_list, name="work-list"),
    path("sections/<int:section_id>/import/", views.import_scores, name="import"),
    path(
        "sections/<int:section_id>/students/<int:student_id>/targets/<int:target_id>/",
        views.evidence_history,
        name="evidence-history",
    ),
    path("assessments/<int:assessment_id>/", views.assessment_score_page, name="assessment-score"),
    path("assessments/<int:assessment_id>/cell/", views.assessment_cell_save, name="cell-save"),
    path("assessments/<int:assessment_id>/undo/", views.assessment_cell_undo, name="cell-undo"),
    path(
        "assessments/<int:assessment_id>/copy/", views.assessment_copy_view, name="assessment-copy"
    ),
    path("imports/<int:import_id>/confirm/", views.import_confirm, name="import-confirm"),
    path("evidence/<int:evidence_id>/void/", views.evidence_void_view, name="evidence-void"),
    path("work/<int:artifact_id>/", views.work_detail, name="work-detail"),
    path("work/<int:artifact_id>/file/", views.work_file, name="work-file"),
    path("me/exit-tickets/", views.my_exit_tickets, name="my-exit-tickets"),
    path("me/exit-tickets/<int:assessment_id>/", views.my_exit_ticket, name="my-exit-ticket"),
    path("me/work/", views.my_work, name="my-work"),
]
