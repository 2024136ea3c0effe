"""Who may see and change which interventions.

Visibility follows the students: an actor sees an intervention when they may see one of its
participants (a teacher: the students they teach; a counselor or principal: their school; a
district admin: the district; a guardian: their children's; a student: their own), and within
it only the participants they may see. Changes (start, log, check, close) are for staff who
see the student. The catalogue is the district's. Anything out of reach answers 404.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from masterypath.accounts.actors import Actor
from masterypath.accounts.models import Role, User
from masterypath.interventions.models import Intervention, Participant, RootCause, Strategy
from masterypath.roster.access import active_user, students_visible_to
from masterypath.roster.models import Staff, Student
from masterypath.schools.access import district_id_of

STAFF_WHO_INTERVENE = frozenset({Role.TEACHER, Role.COUNSELOR, Role.PRINCIPAL, Role.DISTRICT_ADMIN})
LEADER_ROLES = frozenset({Role.COUNSELOR, Role.PRINCIPAL, Role.DISTRICT_ADMIN})


def staff_user(actor: Actor | None) -> User | None:
    """The signed-in staff member who may run interventions, or None."""
    user = active_user(actor)
    if user is None or user.role not in STAFF_WHO_INTERVENE:
        return None
    return user


def participants_visible_to(actor: Actor | None) -> QuerySet[Participant]:
    return Participant.objects.filter(student__in=students_visible_to(actor))


def interventions_visible_to(actor: Actor | None) -> QuerySet[Intervention]:
    return Intervention.objects.filter(
        pk__in=participants_visible_to(actor).values("intervention_id")
    )


def access_intervention_by_id(actor: Actor | None, intervention_id: int) -> Intervention:
    """The intervention if `actor` sees one of its participants; Http404 otherwise."""
    intervention = (
        interventions_visible_to(actor)
        .filter(pk=intervention_id)
        .select_related("strategy", "domain", "staff", "school", "root_cause")
        .first()
    )
    if intervention is None:
        raise Http404("No such intervention.")
    return intervention


def access_intervention_for_change(actor: Actor | None, intervention_id: int) -> Intervention:
    """As `access_intervention_by_id`, for staff who may log sessions and close it."""
    if staff_user(actor) is None:
        raise Http404("No such intervention.")
    return access_intervention_by_id(actor, intervention_id)


def access_participant_by_id(actor: Actor | None, participant_id: int) -> Participant:
    participant = (
        participants_visible_to(actor)
        .filter(pk=participant_id)
        .select_related("student", "intervention__strategy", "intervention__domain")
        .first()
    )
    if participant is None:
        raise Http404("No such participant.")
    return participant


def access_student_for_intervention(actor: Actor | None, student_id: int) -> Student:
    """A student whom `actor` (staff) may start an intervention for; Http404 otherwise."""
    if staff_user(actor) is None:
        raise Http404("No such student.")
    student = students_visible_to(actor).filter(pk=student_id).select_related("school").first()
    if student is None:
        raise Http404("No such student.")
    return student


def strategies_visible_to(actor: Actor | None) -> QuerySet[Strategy]:
    """The catalogue of the actor's district (staff only)."""
    if staff_user(actor) is None:
        return Strategy.objects.none()
    district_id = district_id_of(actor)
    if district_id is None:
        return Strategy.objects.none()
    return Strategy.objects.filter(district_id=district_id)


def access_strategy_by_id(actor: Actor | None, strategy_id: int) -> Strategy:
    strategy = strategies_visible_to(actor).filter(pk=strategy_id).first()
    if strategy is None:
        raise Http404("No such strategy.")
    return strategy


def root_causes_visible_to(actor: Actor | None) -> QuerySet[RootCause]:
    """Root causes about students the actor sees; school-level ones for the school's leaders
    and the district's admins. Families and students see none (they are staff deliberations)."""
    user = staff_user(actor)
    if user is None:
        return RootCause.objects.none()
    by_student = RootCause.objects.filter(students__in=students_visible_to(actor))
    district_id = district_id_of(actor)
    if user.role == Role.DISTRICT_ADMIN and district_id is not None:
        return RootCause.objects.filter(district_id=district_id)
    if user.role in LEADER_ROLES:
        own_school = Staff.objects.filter(user=user).values("school_id")
        return RootCause.objects.filter(pk__in=by_student.values("pk")) | RootCause.objects.filter(
            school_id__in=own_school
        )
    return RootCause.objects.filter(pk__in=by_student.values("pk"))


def access_root_cause_by_id(actor: Actor | None, root_cause_id: int) -> RootCause:
    root_cause = root_causes_visible_to(actor).filter(pk=root_cause_id).first()
    if root_cause is None:
        raise Http404("No such root-cause record.")
    return root_cause
