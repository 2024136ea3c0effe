from django.contrib import admin

from masterypath.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "status", "progress", "total", "created_at", "finished_at"]
    list_filter = ["kind", "status"]
    readonly_fields = ["errors", "warnings", "result", "params"]
