"""Writes of the schools app: districts, schools, academic sessions and district settings.

Every write of these models goes through here (the OneRoster importer, the demo seed, the
import command, the district settings page); tests/architecture/ scans the tree for writes
anywhere else. The row writes run inside the caller's transaction, which audits the import
they belong to once; a setting a person changes is audited here.
"""

from __future__ import annotations

import enum
from typing import Any

from django.db import transaction

from masterypath.accounts.actors import Actor
from masterypath.common.audit import audit_record
from masterypath.common.errors import ApplicationError
from masterypath.common.models import AuditAction
from masterypath.schools.models import MIN_GROUP_SIZE_RANGE, AcademicSession, District, School


def district_create(*, name: str, **fields: Any) -> District:
    return District.objects.create(name=name, **fields)


def district_source_id_set(*, district: District, source_id: str) -> District:
    """Name the district as its student information system does (OneRoster's org id)."""
    district.source_id = source_id
    district.save(update_fields=["source_id", "updated_at"])
    return district


def school_create(
    *, district: District, name: str, grade_low: int, grade_high: int, **fields: Any
) -> School:
    return School.objects.create(
        district=district, name=name, grade_low=grade_low, grade_high=grade_high, **fields
    )


def school_save(*, school: School, fields: list[str] | None = None) -> School:
    """Save a school whose attributes the caller changed (`fields` only, when given)."""
    school.save(update_fields=[*fields, "updated_at"] if fields else None)
    return school


def academic_session_create(*, district: District, **fields: Any) -> AcademicSession:
    return AcademicSession.objects.create(district=district, **fields)


def academic_session_save(
    *, session: AcademicSession, fields: list[str] | None = None
) -> AcademicSession:
    """Save a session whose attributes the caller changed (`fields` only, when given)."""
    session.save(update_fields=[*fields, "updated_at"] if fields else None)
    return session


# --- settings a district administrator changes -------------------------------------------------


class DistrictSettingErrorCode(enum.Enum):
    OUT_OF_RANGE = "out_of_range"


class DistrictSettingError(ApplicationError):
    """A district setting was refused; `code` says why."""


@transaction.atomic
def district_min_group_size_set(*, actor: Actor, district: District, size: int) -> District:
    """Reports of `district` hide any group of fewer than `size` students from now on.

    The caller checks that `actor` administers the district (web.district.admin_district_id);
    the change is audited with the size before and after.
    """
    low, high = MIN_GROUP_SIZE_RANGE
    if not low <= size <= high:
        raise DistrictSettingError(
            DistrictSettingErrorCode.OUT_OF_RANGE,
            f"The smallest group shown must be between {low} and {high} students, not {size}.",
        )
    before = district.min_group_size
    district.min_group_size = size
    district.save(update_fields=["min_group_size", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        subject=district,
        detail={"min_group_size": size, "was": before},
    )
    return district
