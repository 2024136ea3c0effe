"""The demo's part of early warning: record each student's planted profile (the truth the
calibration benchmark checks the exception rules against), then compute the exception lists
as the background job would, three weeks before the demo's date and on it (alerts)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta
from typing import TYPE_CHECKING

from masterypath.demo.attendance import add_attendance
from masterypath.demo.models import PlantedProfile
from masterypath.demo.services import planted_profiles_record
from masterypath.earlywarning.services import exceptions_recompute

if TYPE_CHECKING:
    from masterypath.demo.seed import DemoBuilder


def early_warning_demo(*, builder: DemoBuilder, as_of: date, seed: int) -> None:
    planted_profiles_record(
        rows=[
            PlantedProfile(
                student=student,
                profile=latent.profile,
                latent={**asdict(latent), "origin": builder.origin.isoformat()},
            )
            for student, latent in zip(builder.students, builder.latent, strict=True)
        ]
    )
    this_year = builder.years[-1]
    add_attendance(
        seed=seed,
        students=builder.students,
        profiles=[latent.profile for latent in builder.latent],
        days=[day for day in this_year.school_days if day <= as_of],
    )
    # The lists three weeks earlier are the baseline, so that the demo's teachers and
    # counselors have alerts for what is new since.
    exceptions_recompute(district=builder.district, as_of=as_of - timedelta(days=21))
    exceptions_recompute(district=builder.district, as_of=as_of)
