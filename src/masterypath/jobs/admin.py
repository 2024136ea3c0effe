from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from masterypath.common.admin_scope import DistrictScopedAdmin
from masterypath.jobs.models import Job
from masterypath.jobs.services import job_fail


@admin.register(Job)
class JobAdmin(DistrictScopedAdmin):
    district_paths = ("district_id",)
    list_display = ["id", "kind", "status", "progress", "total", "created_at", "finished_at"]
    list_filter = ["kind", "status"]
    readonly_fields = ["errors", "warnings", "result", "params", "task_id", "exclusive_key"]
    actions = ["fail_stopped_jobs"]

    @admin.action(description="Mark as failed (its worker stopped)")
    def fail_stopped_jobs(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        """A worker killed in the middle of a job leaves it running, and holds back the next job
        of its kind in that district; this ends it so that it can be started again."""
        failed = sum(
            job_fail(job_id=job.pk, message="Marked as failed by an administrator.")
            for job in queryset
        )
        self.message_user(request, f"{failed} job(s) marked as failed.", messages.SUCCESS)
