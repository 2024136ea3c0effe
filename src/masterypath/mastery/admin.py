from django.contrib import admin

from masterypath.common.admin_scope import DistrictScopedAdmin
from masterypath.common.pagination import CappedCountPaginator
from masterypath.mastery.config import display_value
from masterypath.mastery.models import BktFit, MasteryEstimate, MasteryOverride, MasteryPolicy


@admin.register(MasteryPolicy)
class MasteryPolicyAdmin(DistrictScopedAdmin):
    district_paths = ("district_id",)
    list_display = ("district", "framework", "target", "method", "weight", "min_evidence")
    list_filter = ("method",)
    raw_id_fields = ("target",)


@admin.register(MasteryEstimate)
class MasteryEstimateAdmin(DistrictScopedAdmin):
    """One row per student and target (100,000 in the demo): paged on the primary key with a
    count that stops at 10,000, as the evidence list is."""

    district_paths = ("student__district_id",)

    list_display = ("student", "target", "method", "shown_value", "status", "evidence_count")
    list_filter = ("method", "status")
    raw_id_fields = ("student", "target")
    list_select_related = ("student", "target")
    ordering = ("-id",)
    paginator = CappedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

    @admin.display(description="value", ordering="value")
    def shown_value(self, estimate: MasteryEstimate) -> str:
        """Two decimals, or a percentage for BKT's probability of mastery."""
        return display_value(estimate.value, estimate.method) or "-"


@admin.register(MasteryOverride)
class MasteryOverrideAdmin(DistrictScopedAdmin):
    district_paths = ("student__district_id",)
    list_display = ("student", "target", "shown_value", "set_at", "set_by")
    raw_id_fields = ("student", "target", "set_by")
    list_select_related = ("student", "target", "set_by")

    @admin.display(description="value", ordering="value")
    def shown_value(self, override: MasteryOverride) -> str:
        return display_value(float(override.value), "")


@admin.register(BktFit)
class BktFitAdmin(DistrictScopedAdmin):
    district_paths = ("district_id",)
    list_display = (
        "target",
        "shown_prior",
        "shown_learn",
        "shown_guess",
        "shown_slip",
        "n_rows",
        "is_default",
    )
    raw_id_fields = ("target",)

    @admin.display(description="prior", ordering="prior")
    def shown_prior(self, fit: BktFit) -> str:
        return f"{fit.prior:.3f}"

    @admin.display(description="learn", ordering="learn")
    def shown_learn(self, fit: BktFit) -> str:
        return f"{fit.learn:.3f}"

    @admin.display(description="guess", ordering="guess")
    def shown_guess(self, fit: BktFit) -> str:
        return f"{fit.guess:.3f}"

    @admin.display(description="slip", ordering="slip")
    def shown_slip(self, fit: BktFit) -> str:
        return f"{fit.slip:.3f}"
