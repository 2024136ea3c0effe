from django.contrib import admin
from django.http import HttpRequest

from masterypath.common.admin_scope import DistrictScopedAdmin
from masterypath.common.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(DistrictScopedAdmin):
    # An entry belongs to the district of the person who acted, or of the district the
    # product acted for (an import's or the seed's entries name it in their detail).
    district_paths = (
        "actor__staff__district_id",
        "actor__student__district_id",
        "actor__guardian__district_id",
        "detail__district",
    )
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
