"""Writes of the demo app's own rows: the planted truth the demo's benchmarks check against."""

from __future__ import annotations

from masterypath.demo.models import PlantedProfile


def planted_profiles_create_many(*, profiles: list[PlantedProfile]) -> list[PlantedProfile]:
    """Record each demo student's planted profile (kept for the calibration benchmark)."""
    return PlantedProfile.objects.bulk_create(profiles, batch_size=1000)
