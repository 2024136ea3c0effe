from django.urls import path

from masterypath.interop.xapi import views

urlpatterns = [
    path("statements", views.statements, name="xapi-statements"),
    path("about", views.about, name="xapi-about"),
    path("unmapped/", views.unmapped, name="xapi-unmapped"),
    path("unmapped/<int:statement_pk>/", views.unmapped_resolve, name="xapi-unmapped-resolve"),
]
