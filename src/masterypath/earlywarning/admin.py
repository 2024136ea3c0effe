from django.contrib import admin

from masterypath.earlywarning.models import EarlyWarningSettings, ExceptionHit, ExceptionRun


@admin.register(EarlyWarningSettings)
class EarlyWarningSettingsAdmin(admin.ModelAdmin):
    list_display = ["district", "thresholds", "updated_at"]


@admin.register(ExceptionRun)
class ExceptionRunAdmin(admin.ModelAdmin):
    list_display = ["district", "as_of", "computed_at"]
    readonly_fields = ["district", "as_of", "computed_at", "counts", "gains"]


@admin.register(ExceptionHit)
class ExceptionHitAdmin(admin.ModelAdmin):
    list_display = ["student", "rule", "domain", "detected_on", "first_seen_on"]
    list_filter = ["rule", "school"]
    raw_id_fields = ["student", "domain", "school", "district"]
