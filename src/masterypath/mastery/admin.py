from django.contrib import admin

from masterypath.mastery.models import BktFit, MasteryEstimate, MasteryOverride, MasteryPolicy


@admin.register(MasteryPolicy)
class MasteryPolicyAdmin(admin.ModelAdmin):
    list_display = ("district", "framework", "target", "method", "weight", "min_evidence")
    list_filter = ("method",)
    raw_id_fields = ("target",)


@admin.register(MasteryEstimate)
class MasteryEstimateAdmin(admin.ModelAdmin):
    list_display = ("student", "target", "method", "value", "status", "evidence_count")
    list_filter = ("method", "status")
    raw_id_fields = ("student", "target")


@admin.register(MasteryOverride)
class MasteryOverrideAdmin(admin.ModelAdmin):
    list_display = ("student", "target", "value", "set_at", "set_by")
    raw_id_fields = ("student", "target", "set_by")


@admin.register(BktFit)
class BktFitAdmin(admin.ModelAdmin):
    list_display = ("target", "prior", "learn", "guess", "slip", "n_rows", "is_default")
    raw_id_fields = ("target",)
