from django.contrib import admin

from masterypath.common.admin_scope import DistrictScopedAdmin
from masterypath.interventions.models import (
    ImprovementCycle,
    Intervention,
    InterventionSettings,
    RootCause,
    Strategy,
    TierRecord,
)


@admin.register(Strategy)
class StrategyAdmin(DistrictScopedAdmin):
    list_display = ("name", "district", "tier", "sessions_per_week", "duration_weeks")
    list_filter = ("tier",)
    district_paths = ("district_id",)


@admin.register(Intervention)
class InterventionAdmin(DistrictScopedAdmin):
    list_display = ("strategy", "staff", "starts_on", "ends_on", "status")
    list_filter = ("status", "tier")
    district_paths = ("district_id",)


@admin.register(RootCause)
class RootCauseAdmin(DistrictScopedAdmin):
    district_paths = ("district_id",)


@admin.register(TierRecord)
class TierRecordAdmin(DistrictScopedAdmin):
    raw_id_fields = ("student",)
    district_paths = ("student__district_id",)


@admin.register(InterventionSettings)
class InterventionSettingsAdmin(DistrictScopedAdmin):
    district_paths = ("district_id",)


@admin.register(ImprovementCycle)
class ImprovementCycleAdmin(DistrictScopedAdmin):
    district_paths = ("district_id",)
