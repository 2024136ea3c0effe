from django.contrib import admin

from masterypath.evidence.models import Artifact, Assessment, Evidence, Observation


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "assessed_on", "section", "dok", "source")
    list_filter = ("kind", "source")
    search_fields = ("title", "source_id")
    raw_id_fields = ("section", "rubric")
    filter_horizontal = ("targets",)


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    """Read-only here: evidence is recorded and voided through the evidence services."""

    list_display = ("student", "target", "score", "observed_at", "kind", "source", "is_voided")
    list_filter = ("kind", "source", "is_voided")
    raw_id_fields = ("student", "target", "assessment", "recorded_by", "voided_by")
    date_hierarchy = "observed_at"
    list_select_related = ("student", "target")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    list_display = ("student", "author", "observed_at")
    raw_id_fields = ("student", "author")


@admin.register(Artifact)
class ArtifactAdmin(admin.ModelAdmin):
    list_display = ("title", "student", "content_type", "size_bytes", "created_at")
    raw_id_fields = ("student", "uploaded_by")
