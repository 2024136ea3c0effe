from django.urls import path

from masterypath.interop.xapi import resources, views

urlpatterns = [
    path("statements", views.statements, name="xapi-statements"),
    path("about", views.about, name="xapi-about"),
    path("activities/state", resources.state, name="xapi-state"),
    path("activities/profile", resources.activity_profile, name="xapi-activity-profile"),
    path("activities", resources.activities, name="xapi-activities"),
    path("agents/profile", resources.agent_profile, name="xapi-agent-profile"),
    path("agents", resources.agents, name="xapi-agents"),
    path("unmapped/", views.unmapped, name="xapi-unmapped"),
    path("unmapped/<int:statement_pk>/", views.unmapped_resolve, name="xapi-unmapped-resolve"),
]
