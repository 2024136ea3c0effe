"""The OneRoster import is one applier per file on a shared context: each applies its own
file and leaves what it found for the ones after it."""

from __future__ import annotations

from typing import Any

import pytest

from masterypath.interop.oneroster.appliers import APPLIERS, ImportContext
from masterypath.interop.oneroster.appliers.classes import apply_classes
from masterypath.interop.oneroster.appliers.courses import apply_courses
from masterypath.interop.oneroster.appliers.enrollments import apply_enrollments
from masterypath.interop.oneroster.appliers.orgs import apply_orgs
from masterypath.interop.oneroster.appliers.sessions import apply_academic_sessions
from masterypath.interop.oneroster.appliers.users import apply_users
from masterypath.interop.oneroster.reader import read_bundle
from masterypath.roster.models import Enrollment, Section, Student
from masterypath.schools.models import School
from tests import factories as f
from tests.interop.conftest import ONEROSTER_DATA

pytestmark = pytest.mark.django_db


def _quiet(*_args: Any, **_kwargs: Any) -> None:
    return None


def test_appliers_run_in_file_order() -> None:
    """Schools before courses, courses and terms before classes, people and classes before
    enrollments."""
    assert (
        apply_orgs,
        apply_academic_sessions,
        apply_courses,
        apply_classes,
        apply_users,
        apply_enrollments,
    ) == APPLIERS


def test_each_applier_fills_the_context_for_the_next() -> None:
    """Run one by one, each writes its own file's rows and names them by sourcedId."""
    district = f.DistrictFactory()
    ctx = ImportContext(
        read_bundle(ONEROSTER_DATA / "edfi-lms-toolkit-v1p1"), district, None, _quiet
    )
    apply_orgs(ctx)
    assert ctx.schools
    assert School.objects.filter(district=district).count() == len(set(ctx.schools.values()))
    assert not Section.objects.exists()
    apply_academic_sessions(ctx)
    apply_courses(ctx)
    assert ctx.session_map
    assert ctx.course_map
    apply_classes(ctx)
    assert Section.objects.filter(school__district=district).count() == len(ctx.section_map)
    apply_users(ctx)
    assert Student.objects.filter(district=district).count() == len(ctx.student_map)
    assert not Enrollment.objects.exists()
    apply_enrollments(ctx)
    assert Enrollment.objects.filter(section__school__district=district).exists()
    assert ctx.issues == []
    assert ctx.counts["enrollments created"] == Enrollment.objects.count()
