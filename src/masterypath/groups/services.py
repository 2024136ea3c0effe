"""Writes of flexible groups: save a named group of a section's students, delete one.

The caller has checked that the actor may score the section (`groups.access`); every write is
audited. No event is published: nothing subscribes to groups yet.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

from django.db import transaction

from masterypath.accounts.actors import Actor
from masterypath.common.audit import audit_record
from masterypath.common.errors import ApplicationError
from masterypath.common.models import AuditAction
from masterypath.continuum.models import LearningTarget
from masterypath.groups.models import NAME_MAX_LENGTH, GroupBasis, StudentGroup
from masterypath.roster.access import active_user
from masterypath.roster.models import EnrollmentRole, Section, Student

MAX_MEMBERS = 60


class GroupErrorCode(enum.Enum):
    NAME_MISSING = "name_missing"
    NAME_TOO_LONG = "name_too_long"
    NAME_TAKEN = "name_taken"
    NO_STUDENTS = "no_students"
    TOO_MANY = "too_many"
    NOT_IN_SECTION = "not_in_section"
    TARGET_NOT_IN_COURSE = "target_not_in_course"


class GroupError(ApplicationError):
    """A group was refused; `code` says why and `field` which input."""


def _refuse(code: GroupErrorCode, message: str, field: str) -> GroupError:
    return GroupError(code, message, field=field)


@transaction.atomic
def student_group_save(
    *,
    actor: Actor,
    section: Section,
    name: str,
    student_ids: Sequence[int],
    basis: GroupBasis = GroupBasis.CHOSEN,
    focus_target_id: int | None = None,
) -> StudentGroup:
    """A new group `name` of the section's students `student_ids`; GroupError when the name
    is empty, too long or already used in the section, or a student is not in it."""
    name = " ".join(name.split())
    if not name:
        raise _refuse(GroupErrorCode.NAME_MISSING, "Give the group a name.", "name")
    if len(name) > NAME_MAX_LENGTH:
        raise _refuse(
            GroupErrorCode.NAME_TOO_LONG,
            f"A group's name has at most {NAME_MAX_LENGTH} characters, not {len(name)}.",
            "name",
        )
    if StudentGroup.objects.filter(section=section, name__iexact=name).exists():
        raise _refuse(
            GroupErrorCode.NAME_TAKEN,
            f"This section has a group named {name!r} already: choose another name.",
            "name",
        )
    wanted = set(student_ids)
    if not wanted:
        raise _refuse(GroupErrorCode.NO_STUDENTS, "Choose at least one student.", "students")
    if len(wanted) > MAX_MEMBERS:
        raise _refuse(
            GroupErrorCode.TOO_MANY, f"A group has at most {MAX_MEMBERS} students.", "students"
        )
    students = list(
        Student.objects.filter(
            pk__in=wanted, enrollments__section=section, enrollments__role=EnrollmentRole.STUDENT
        ).distinct()
    )
    if len(students) != len(wanted):
        raise _refuse(
            GroupErrorCode.NOT_IN_SECTION,
            "Every student of a group must be in this section.",
            "students",
        )
    if (
        focus_target_id is not None
        and not LearningTarget.objects.filter(
            pk=focus_target_id, competency__domain__framework__courses=section.course_id
        ).exists()
    ):
        raise _refuse(
            GroupErrorCode.TARGET_NOT_IN_COURSE,
            "The group's target is not one of this course's targets.",
            "focus_target",
        )
    group = StudentGroup.objects.create(
        section=section,
        name=name,
        basis=basis,
        focus_target_id=focus_target_id,
        created_by=active_user(actor),
    )
    group.members.set(students)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        subject=group,
        detail={
            "name": name,
            "section": section.pk,
            "basis": str(basis),
            "students": sorted(s.pk for s in students),
        },
    )
    return group


@transaction.atomic
def student_group_delete(*, actor: Actor, group: StudentGroup) -> None:
    """Delete a saved group (its students stay as they are); audited with what it held."""
    members = sorted(group.members.values_list("pk", flat=True))
    audit_record(
        actor=actor,
        action=AuditAction.VOID,
        subject=group,
        detail={
            "deleted": True,
            "name": group.name,
            "section": group.section_id,
            "students": members,
        },
    )
    group.delete()
