"""Read-only views for operators: resources are suggested and reviewed on the resource pages."""

from django.contrib import admin

from masterypath.plans.admin import ReadOnlyAdmin
from masterypath.resources.models import Resource


@admin.register(Resource)
class ResourceAdmin(ReadOnlyAdmin):
    list_display = ("title", "district", "kind", "language", "status", "minutes", "dok")
    list_filter = ("status", "kind", "language")
    search_fields = ("title",)
    raw_id_fields = ("district", "curator", "reviewed_by")
    district_paths = ("district_id",)
