from django.contrib import admin

from masterypath.common.admin_scope import DistrictScopedAdmin
from masterypath.schools.models import AcademicSession, District, School


@admin.register(District)
class DistrictAdmin(DistrictScopedAdmin):
    district_paths = ("pk",)
    list_display = ("name", "state_code", "source_id")
    search_fields = ("name", "source_id")


@admin.register(School)
class SchoolAdmin(DistrictScopedAdmin):
    district_paths = ("district_id",)
    list_display = ("name", "district", "grade_span", "source_id")
    list_filter = ("district",)
    search_fields = ("name", "source_id")


@admin.register(AcademicSession)
class AcademicSessionAdmin(DistrictScopedAdmin):
    district_paths = ("district_id",)
    list_display = ("title", "session_type", "starts_on", "ends_on", "school_year", "parent")
    list_filter = ("session_type", "school_year")
    search_fields = ("title", "source_id")
