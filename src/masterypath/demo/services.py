"""The demo app's one write of its own: the record of what the generator planted."""

from __future__ import annotations

from masterypath.demo.models import PlantedProfile


def planted_profiles_record(*, rows: list[PlantedProfile]) -> int:
    return len(PlantedProfile.objects.bulk_create(rows, batch_size=1000))
