"""Read-side summaries across apps."""

from __future__ import annotations

from masterypath.continuum.models import Framework, LearningTarget
from masterypath.evidence.models import Evidence
from masterypath.roster.models import Enrollment, Guardian, Section, Staff, Student
from masterypath.schools.models import District, School


def entity_counts() -> dict[str, int]:
    """How many of each main entity the database holds."""
    return {
        "districts": District.objects.count(),
        "schools": School.objects.count(),
        "students": Student.objects.count(),
        "guardians": Guardian.objects.count(),
        "staff": Staff.objects.count(),
        "sections": Section.objects.count(),
        "enrollments": Enrollment.objects.count(),
        "frameworks": Framework.objects.count(),
        "targets": LearningTarget.objects.count(),
        "evidence": Evidence.objects.count(),
    }
