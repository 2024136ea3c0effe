from django.contrib import admin

from masterypath.common.admin_scope import DistrictScopedAdmin, DistrictScopedInline
from masterypath.continuum.models import (
    Competency,
    Domain,
    Framework,
    LearningTarget,
    PerformanceLevel,
    PerformanceScale,
    Rubric,
    RubricCriterion,
    RubricDescriptor,
    TargetLink,
)


class PerformanceLevelInline(DistrictScopedInline):
    model = PerformanceLevel
    extra = 0


@admin.register(PerformanceScale)
class PerformanceScaleAdmin(DistrictScopedAdmin):
    district_paths = ("district_id",)
    shared_when_null = True
    list_display = ("name", "district")
    inlines = [PerformanceLevelInline]


@admin.register(Framework)
class FrameworkAdmin(DistrictScopedAdmin):
    district_paths = ("district_id",)
    shared_when_null = True
    list_display = ("title", "version", "publisher", "district", "case_uuid")
    search_fields = ("title", "case_uuid")


@admin.register(Domain)
class DomainAdmin(DistrictScopedAdmin):
    district_paths = ("framework__district_id",)
    shared_when_null = True
    list_display = ("title", "code", "kind", "framework")
    list_filter = ("kind", "framework")


@admin.register(Competency)
class CompetencyAdmin(DistrictScopedAdmin):
    district_paths = ("domain__framework__district_id",)
    shared_when_null = True
    list_display = ("title", "code", "domain")
    list_filter = ("domain__framework",)
    search_fields = ("title", "code")


@admin.register(LearningTarget)
class LearningTargetAdmin(DistrictScopedAdmin):
    district_paths = ("competency__domain__framework__district_id",)
    shared_when_null = True
    list_display = ("code", "level_label", "dok_ceiling", "competency", "is_retired")
    list_filter = ("competency__domain__framework", "level", "is_retired")
    search_fields = ("code", "statement", "case_uuid")
    raw_id_fields = ("parent", "competency")


@admin.register(TargetLink)
class TargetLinkAdmin(DistrictScopedAdmin):
    district_paths = ("source__competency__domain__framework__district_id",)
    shared_when_null = True
    list_display = ("source", "kind", "destination")
    list_filter = ("kind",)
    raw_id_fields = ("source", "destination")


class RubricDescriptorInline(DistrictScopedInline):
    model = RubricDescriptor
    extra = 0


@admin.register(RubricCriterion)
class RubricCriterionAdmin(DistrictScopedAdmin):
    district_paths = ("rubric__scale__district_id",)
    shared_when_null = True
    list_display = ("title", "rubric", "target")
    inlines = [RubricDescriptorInline]
    raw_id_fields = ("target",)


@admin.register(Rubric)
class RubricAdmin(DistrictScopedAdmin):
    district_paths = ("scale__district_id",)
    shared_when_null = True
    list_display = ("title", "scale")
    filter_horizontal = ("targets",)
