from django.urls import path

from masterypath.web.leaders import views

app_name = "leaders"

urlpatterns = [
    path("schools/<int:school_id>/", views.school_page, name="school"),
    path("schools/<int:school_id>/students/", views.school_students, name="school-students"),
    path("schools/<int:school_id>/groups/", views.school_groups, name="school-groups"),
    path(
        "schools/<int:school_id>/export/<slug:page>/<slug:table>.csv",
        views.school_export,
        name="school-export",
    ),
    path("district/", views.district_page, name="district"),
    path("district/groups/", views.district_groups, name="district-groups"),
    path("district/settings/", views.district_settings, name="district-settings"),
    path(
        "district/export/<slug:page>/<slug:table>.csv",
        views.district_export,
        name="district-export",
    ),
]
