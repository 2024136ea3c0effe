"""The demo's attendance and behaviour, drawn consistently with each student's trajectory:
students planted behind or slowing down miss more days and have more incidents (attendance
and progress go together in real schools). A separate seeded stream, so that the rest of the
demo is drawn exactly as before."""

from __future__ import annotations

from datetime import date

import numpy as np

from masterypath.earlywarning.models import (
    AttendanceDay,
    AttendanceStatus,
    Incident,
    IncidentSeverity,
)
from masterypath.earlywarning.services.attendance_import import attendance_insert_many
from masterypath.roster.models import Student

# Mean share of days present, and incidents per school day, by planted profile.
PRESENT = {"steady": 0.955, "split": 0.95, "rapid": 0.965, "behind": 0.905, "slowing": 0.915}
INCIDENTS = {"steady": 0.004, "split": 0.005, "rapid": 0.003, "behind": 0.012, "slowing": 0.01}
SEVERITIES = [IncidentSeverity.MINOR, IncidentSeverity.MODERATE, IncidentSeverity.MAJOR]
CATEGORIES = ("disruption", "defiance", "tardiness", "conflict", "technology misuse")


def add_attendance(
    *, seed: int, students: list[Student], profiles: list[str], days: list[date]
) -> tuple[int, int]:
    """One attendance row per student and school day in ``days``, and incidents; returns the
    counts."""
    rng = np.random.default_rng([seed, 2026, 10])
    attendance: list[AttendanceDay] = []
    incidents: list[Incident] = []
    for student, profile in zip(students, profiles, strict=True):
        rate = float(np.clip(rng.normal(PRESENT[profile], 0.03), 0.6, 1.0))
        if student.is_economically_disadvantaged:
            rate -= 0.01
        draws = rng.random(len(days))
        kinds = rng.random(len(days))
        for day, draw, kind in zip(days, draws, kinds, strict=True):
            if draw >= rate:
                status = (
                    AttendanceStatus.ABSENT_EXCUSED
                    if kind < 0.6
                    else AttendanceStatus.ABSENT_UNEXCUSED
                )
            else:
                status = AttendanceStatus.TARDY if kind < 0.03 else AttendanceStatus.PRESENT
            attendance.append(
                AttendanceDay(
                    student=student,
                    on=day,
                    status=status,
                    source_id=f"att-{student.local_id}-{day:%Y%m%d}",
                )
            )
        count = int(rng.poisson(INCIDENTS[profile] * len(days) * rng.gamma(2.0, 0.5)))
        chosen = sorted(rng.choice(len(days), size=min(count, len(days)), replace=False))
        categories = rng.integers(len(CATEGORIES), size=len(chosen))
        severities = rng.choice(SEVERITIES, size=len(chosen), p=[0.7, 0.25, 0.05])
        incidents.extend(
            Incident(
                student=student,
                occurred_on=days[int(index)],
                category=CATEGORIES[int(category)],
                severity=str(severity),
                source_id=f"inc-{student.local_id}-{index}",
            )
            for index, category, severity in zip(chosen, categories, severities, strict=True)
        )
    attendance_insert_many(days=attendance, incidents=incidents)
    return len(attendance), len(incidents)
