from django.contrib import admin

from masterypath.common.admin_scope import DistrictScopedAdmin
from masterypath.common.pagination import CappedCountPaginator
from masterypath.evidence.models import Artifact, Assessment, Evidence, Observation


@admin.register(Assessment)
class AssessmentAdmin(DistrictScopedAdmin):
    district_paths = ("section__school__district_id",)
    list_display = ("title", "kind", "assessed_on", "section", "dok", "source")
    list_filter = ("kind", "source")
    search_fields = ("title", "source_id")
    raw_id_fields = ("section", "rubric")
    filter_horizontal = ("targets",)


@admin.register(Evidence)
class EvidenceAdmin(DistrictScopedAdmin):
    """Read-only here: evidence is recorded and voided through the evidence services.

    The table holds every score ever given (256,000 in the demo), so the list never reads it
    whole: newest first on the primary key, a count that stops at 10,000, no second count of
    the unfiltered table, no facet counts, and a date filter of fixed ranges instead of a date
    hierarchy (which reads every row's date to list the years).
    """

    district_paths = ("student__district_id",)

    list_display = ("student", "target", "score", "observed_at", "kind", "source", "is_voided")
    list_filter = (("observed_at", admin.DateFieldListFilter), "kind", "source", "is_voided")
    raw_id_fields = ("student", "target", "assessment", "recorded_by", "voided_by")
    list_select_related = ("student", "target")
    ordering = ("-id",)
    paginator = CappedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # facet counts would count the whole table per filter

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Observation)
class ObservationAdmin(DistrictScopedAdmin):
    district_paths = ("student__district_id",)
    list_display = ("student", "author", "observed_at")
    raw_id_fields = ("student", "author")


@admin.register(Artifact)
class ArtifactAdmin(DistrictScopedAdmin):
    district_paths = ("student__district_id",)
    list_display = ("title", "student", "content_type", "size_bytes", "created_at")
    raw_id_fields = ("student", "uploaded_by")
