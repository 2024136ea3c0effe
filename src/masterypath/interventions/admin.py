from django.contrib import admin

from masterypath.interventions.models import (
    Intervention,
    InterventionSettings,
    RootCause,
    Strategy,
    TierRecord,
)


@admin.register(Strategy)
class StrategyAdmin(admin.ModelAdmin):
    list_display = ("name", "district", "tier", "sessions_per_week", "duration_weeks")
    list_filter = ("tier",)


@admin.register(Intervention)
class InterventionAdmin(admin.ModelAdmin):
    list_display = ("strategy", "staff", "starts_on", "ends_on", "status")
    list_filter = ("status", "tier")


admin.site.register(RootCause)
admin.site.register(TierRecord)
admin.site.register(InterventionSettings)
