"""Admin pages that write the audit log: changes to student data made by hand are recorded
like those made through the services."""

from __future__ import annotations

from typing import Any

from django.db import models

from masterypath.common.admin_scope import DistrictScopedAdmin
from masterypath.common.audit import audit_record
from masterypath.common.models import AuditAction


class AuditedAdmin(DistrictScopedAdmin):
    """Set `student_id_of` to a function giving the student a row belongs to."""

    @staticmethod
    def student_id_of(obj: Any) -> int | None:
        return None

    def save_model(self, request: Any, obj: models.Model, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action=AuditAction.UPDATE if change else AuditAction.CREATE,
            subject=obj,
            student_id=self.student_id_of(obj),
            detail={"via": "admin", "fields": sorted(form.changed_data) if form else []},
        )

    def delete_model(self, request: Any, obj: models.Model) -> None:
        audit_record(
            actor=request.user,
            action=AuditAction.UPDATE,
            subject=obj,
            student_id=self.student_id_of(obj),
            detail={"via": "admin", "deleted": True},
        )
        super().delete_model(request, obj)
