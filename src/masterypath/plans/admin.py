"""Read-only views for operators: plans and profiles change through the plans services (which
keep the history), never by editing rows here."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from masterypath.common.admin_scope import DistrictScopedAdmin
from masterypath.plans.models import LearnerProfile, LearningPlan, PlanTemplate


class ReadOnlyAdmin(DistrictScopedAdmin):
    """Scoped to the district like every admin page; nothing here is edited."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LearningPlan)
class LearningPlanAdmin(ReadOnlyAdmin):
    list_display = ("title", "student", "state", "starts_on", "ends_on")
    list_filter = ("state",)
    raw_id_fields = ("student", "session", "created_by", "approved_by")
    list_select_related = ("student",)
    district_paths = ("student__district_id",)


@admin.register(LearnerProfile)
class LearnerProfileAdmin(ReadOnlyAdmin):
    list_display = ("student", "version", "updated_at")
    raw_id_fields = ("student", "updated_by")
    list_select_related = ("student",)
    district_paths = ("student__district_id",)


@admin.register(PlanTemplate)
class PlanTemplateAdmin(ReadOnlyAdmin):
    list_display = ("title", "school", "grade_level", "program")
    district_paths = ("school__district_id",)
