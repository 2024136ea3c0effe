"""One applier per OneRoster file, run in this order on one `ImportContext`: each reads what
the ones before it found (schools for courses, courses and terms for classes, people and
classes for enrollments). The gradebook files (categories, lineItems, results, scoreScales)
are applied after them by `interop/oneroster/gradebook.py` (also when the roster has
problems, so that one pass finds them all; nothing is written then)."""

from __future__ import annotations

from collections.abc import Callable

from masterypath.interop.oneroster.appliers.classes import apply_classes
from masterypath.interop.oneroster.appliers.context import ImportContext
from masterypath.interop.oneroster.appliers.courses import apply_courses
from masterypath.interop.oneroster.appliers.enrollments import apply_enrollments
from masterypath.interop.oneroster.appliers.orgs import apply_orgs
from masterypath.interop.oneroster.appliers.sessions import apply_academic_sessions
from masterypath.interop.oneroster.appliers.users import apply_users

APPLIERS: tuple[Callable[[ImportContext], None], ...] = (
    apply_orgs,  # orgs.csv
    apply_academic_sessions,  # academicSessions.csv
    apply_courses,  # courses.csv
    apply_classes,  # classes.csv
    apply_users,  # users.csv, roles.csv, demographics.csv
    apply_enrollments,  # enrollments.csv
)

__all__ = ["APPLIERS", "ImportContext"]
