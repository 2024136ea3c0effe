from django.contrib import admin
from django.http import HttpRequest

from masterypath.common.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "action", "subject_type", "subject_id", "student_id")
    list_filter = ("action", "subject_type")
    search_fields = ("subject_type",)
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self,
        request: HttpRequest,
        obj: AuditEntry | None = None,
    ) -> bool:
        return False

    def has_delete_permission(
        self,
        request: HttpRequest,
        obj: AuditEntry | None = None,
    ) -> bool:
        return False
