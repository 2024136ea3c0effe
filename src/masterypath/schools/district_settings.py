"""District settings that district admins change themselves: now in `schools/services.py`
(the app's one writer); the names stay importable from here."""

from __future__ import annotations

from masterypath.schools.services import (
    DistrictSettingError,
    DistrictSettingErrorCode,
    district_min_group_size_set,
)

__all__ = ["DistrictSettingError", "DistrictSettingErrorCode", "district_min_group_size_set"]
