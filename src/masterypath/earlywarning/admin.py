from django.contrib import admin

from masterypath.common.admin_scope import DistrictScopedAdmin
from masterypath.earlywarning.models import EarlyWarningSettings, ExceptionHit, ExceptionRun


@admin.register(EarlyWarningSettings)
class EarlyWarningSettingsAdmin(DistrictScopedAdmin):
    list_display = ["district", "thresholds", "updated_at"]
    district_paths = ("district_id",)


@admin.register(ExceptionRun)
class ExceptionRunAdmin(DistrictScopedAdmin):
    list_display = ["district", "as_of", "computed_at"]
    readonly_fields = ["district", "as_of", "computed_at", "counts", "gains"]
    district_paths = ("district_id",)


@admin.register(ExceptionHit)
class ExceptionHitAdmin(DistrictScopedAdmin):
    list_display = ["student", "rule", "domain", "detected_on", "first_seen_on"]
    list_filter = ["rule", "school"]
    raw_id_fields = ["student", "domain", "school", "district"]
    district_paths = ("district_id",)
