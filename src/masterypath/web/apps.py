from django.apps import AppConfig
from django.db.models.signals import post_init


class WebConfig(AppConfig):
    name = "masterypath.web"
    label = "web"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from masterypath.roster.models import Student
        from masterypath.web.audit_middleware import note_student_loaded
        from masterypath.web.session_idle import note_sign_in

        # Every student record a request loads is a read the request's audit entry names.
        post_init.connect(note_student_loaded, sender=Student, dispatch_uid="audit-reads")
        user_logged_in.connect(note_sign_in, dispatch_uid="session-idle-clock")
