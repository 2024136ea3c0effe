"""The demo's part of early warning: record each student's planted profile (the truth the
calibration benchmark checks the exception rules against), then compute the exception lists
as the background job would."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import TYPE_CHECKING

from masterypath.demo.models import PlantedProfile
from masterypath.earlywarning.services import exceptions_recompute

if TYPE_CHECKING:
    from masterypath.demo.seed import DemoBuilder


def early_warning_demo(*, builder: DemoBuilder, as_of: date) -> None:
    PlantedProfile.objects.bulk_create(
        [
            PlantedProfile(
                student=student,
                profile=latent.profile,
                latent={**asdict(latent), "origin": builder.origin.isoformat()},
            )
            for student, latent in zip(builder.students, builder.latent, strict=True)
        ],
        batch_size=1000,
    )
    exceptions_recompute(district=builder.district, as_of=as_of)
