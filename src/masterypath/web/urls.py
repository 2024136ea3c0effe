from django.contrib.auth import views as auth_views
from django.urls import include, path

from masterypath.web import language, student_erasure, student_record, views
from masterypath.web.student import profile

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", include("masterypath.web.password_reset")),
    path("language/", language.language_switch, name="language-switch"),
    path("students/<int:student_id>/", profile.profile, name="student-detail"),
    path("students/", include("masterypath.web.student.urls")),
    path("sections/<int:section_id>/", views.section_detail, name="section-detail"),
    path("me/", include("masterypath.web.me.urls")),
    path("teach/", include("masterypath.web.teacher.urls")),
    path("family/", include("masterypath.web.family.urls")),
    path("interventions/", include("masterypath.web.interventions.urls")),
    path("plans/", include("masterypath.web.plans.urls")),
    path("resources/", include("masterypath.web.resources.urls")),
    path("", include("masterypath.web.leaders.urls")),
    path("district/imports/", include("masterypath.web.imports.urls")),
    path("district/methods/", include("masterypath.web.methods.urls")),
    path("district/audit/", include("masterypath.web.audit_log.urls")),
    path("early-warning/", include("masterypath.web.earlywarning.urls")),
    path(
        "district/students/<int:student_id>/record.zip",
        student_record.student_record_zip,
        name="student-record-zip",
    ),
    path(
        "district/students/<int:student_id>/erase",
        student_erasure.student_erase_view,
        name="student-erase",
    ),
]
