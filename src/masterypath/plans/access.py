"""Who may read and who may change a student's learner profile and learning plans.

A student reads and edits their own; a guardian reads their children's and changes nothing;
a teacher reads and edits the plans of the students they teach or advise; a counselor or
principal those of their school; a district admin those of their district. Anything else
answers 404, so a hidden plan looks absent.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from masterypath.accounts.actors import Actor
from masterypath.accounts.models import Role, User
from masterypath.plans.models import ActionStep, Goal, LearningPlan, PlanNote
from masterypath.roster.access import active_user, students_visible_to
from masterypath.roster.models import Staff, Student


def _advisor_of(user: User) -> Staff | None:
    try:
        staff: Staff = user.staff
    except Staff.DoesNotExist:
        return None
    return staff


def plan_students_readable_by(actor: Actor | None) -> QuerySet[Student]:
    """Students whose profile and plans `actor` may read: those they may see, plus (for staff)
    the students they advise in their own district."""
    visible = students_visible_to(actor)
    user = active_user(actor)
    if user is None or not user.is_staff_member:
        return visible
    advisor = _advisor_of(user)
    if advisor is None:
        return visible
    return Student.objects.filter(
        Q(pk__in=visible.values("pk"))
        | Q(advisings__advisor=advisor, district_id=advisor.district_id)
    ).distinct()


def plan_students_editable_by(actor: Actor | None) -> QuerySet[Student]:
    """Students whose profile and plans `actor` may change: guardians change none."""
    user = active_user(actor)
    if user is None or user.role == Role.GUARDIAN:
        return Student.objects.none()
    return plan_students_readable_by(actor)


def can_edit_plans_of(actor: Actor | None, student: Student) -> bool:
    return plan_students_editable_by(actor).filter(pk=student.pk).exists()


def is_plan_reviewer(actor: Actor | None) -> bool:
    """Staff approve plans and give feedback; a student or a guardian never does."""
    user = active_user(actor)
    return user is not None and user.is_staff_member


def access_plan_student_by_id(actor: Actor, student_id: int, *, write: bool = False) -> Student:
    """The student with this id if `actor` may read (or, with `write`, change) their plans."""
    students = plan_students_editable_by(actor) if write else plan_students_readable_by(actor)
    student = students.filter(pk=student_id).select_related("school", "district").first()
    if student is None:
        raise Http404("No such student.")
    return student


def access_plan_by_id(actor: Actor, plan_id: int, *, write: bool = False) -> LearningPlan:
    """The plan with this id if `actor` may read (or, with `write`, change) it; Http404 else."""
    students = plan_students_editable_by(actor) if write else plan_students_readable_by(actor)
    plan = (
        LearningPlan.objects.filter(pk=plan_id, student__in=students.values("pk"))
        .select_related("student", "student__school")
        .first()
    )
    if plan is None:
        raise Http404("No such plan.")
    return plan


def access_goal_by_id(actor: Actor, goal_id: int, *, write: bool = False) -> Goal:
    goal = Goal.objects.filter(pk=goal_id).only("plan_id").first()
    if goal is None:
        raise Http404("No such goal.")
    plan = access_plan_by_id(actor, goal.plan_id, write=write)
    found = Goal.objects.select_related("plan").get(pk=goal_id)
    found.plan = plan
    return found


def access_step_by_id(actor: Actor, step_id: int, *, write: bool = False) -> ActionStep:
    step = ActionStep.objects.filter(pk=step_id).only("goal_id").first()
    if step is None:
        raise Http404("No such step.")
    goal = access_goal_by_id(actor, step.goal_id, write=write)
    found = ActionStep.objects.get(pk=step_id)
    found.goal = goal
    return found


def access_note_by_id(actor: Actor, note_id: int, *, write: bool = False) -> PlanNote:
    note = PlanNote.objects.filter(pk=note_id).only("plan_id").first()
    if note is None:
        raise Http404("No such note.")
    plan = access_plan_by_id(actor, note.plan_id, write=write)
    found = PlanNote.objects.select_related("goal").get(pk=note_id)
    found.plan = plan
    return found
