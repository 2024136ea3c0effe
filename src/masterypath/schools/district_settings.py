"""District settings that district admins change themselves (reporting).

Kept apart from `schools/services.py` (the spine's district, school and session writes) only
to keep the two changes apart while they are written; it may move there.
"""

from __future__ import annotations

import enum

from django.db import transaction

from masterypath.accounts.actors import Actor
from masterypath.common.audit import audit_record
from masterypath.common.errors import ApplicationError
from masterypath.common.models import AuditAction
from masterypath.schools.models import MIN_GROUP_SIZE_RANGE, District


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
