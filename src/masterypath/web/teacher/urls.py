"""Teacher pages under /teach/."""

from django.urls import path

from masterypath.web.teacher.views import (
    assessments,
    corrections,
    dashboard,
    exit_tickets,
    gradebook,
    groups,
    imports,
    observations,
    scoring,
    work,
)

app_name = "teacher"

urlpatterns = [
    path(
        "sections/<int:section_id>/dashboard/",
        dashboard.section_dashboard_page,
        name="section-dashboard",
    ),
    path("sections/<int:section_id>/groups/", groups.group_new, name="group-new"),
    path("groups/<int:group_id>/delete/", groups.group_delete, name="group-delete"),
    path("sections/<int:section_id>/gradebook/", gradebook.gradebook, name="gradebook"),
    path(
        "sections/<int:section_id>/assessments/",
        assessments.assessment_list,
        name="assessment-list",
    ),
    path(
        "sections/<int:section_id>/assessments/new/",
        assessments.assessment_new,
        name="assessment-new",
    ),
    path(
        "sections/<int:section_id>/exit-ticket/",
        exit_tickets.exit_ticket_new,
        name="exit-ticket-new",
    ),
    path(
        "sections/<int:section_id>/observations/new/",
        observations.observation_new,
        name="observation-new",
    ),
    path("sections/<int:section_id>/work/", work.work_list, name="work-list"),
    path("sections/<int:section_id>/import/", imports.import_scores, name="import"),
    path(
        "sections/<int:section_id>/students/<int:student_id>/targets/<int:target_id>/",
        corrections.evidence_history,
        name="evidence-history",
    ),
    path(
        "assessments/<int:assessment_id>/",
        scoring.assessment_score_page,
        name="assessment-score",
    ),
    path("assessments/<int:assessment_id>/cell/", scoring.assessment_cell_save, name="cell-save"),
    path("assessments/<int:assessment_id>/undo/", scoring.assessment_cell_undo, name="cell-undo"),
    path(
        "assessments/<int:assessment_id>/copy/",
        assessments.assessment_copy_view,
        name="assessment-copy",
    ),
    path("imports/<int:import_id>/confirm/", imports.import_confirm, name="import-confirm"),
    path("evidence/<int:evidence_id>/void/", corrections.evidence_void_view, name="evidence-void"),
    path("work/<int:artifact_id>/", work.work_detail, name="work-detail"),
    path("work/<int:artifact_id>/file/", work.work_file, name="work-file"),
]
