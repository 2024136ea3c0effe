"""Learner profiles, learning plans (goals, action steps, notes, history) and plan templates.

The plans app sits above mastery: a goal names learning targets, and its progress fields are
derived from the student's mastery estimates (refreshed by the evidence events, see
`handlers.py`), never typed in by hand.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from masterypath.common.models import BaseModel
from masterypath.continuum.models import LearningTarget
from masterypath.roster.models import Staff, Student
from masterypath.schools.models import AcademicSession, School


class GroupPreference(models.TextChoices):
    ALONE = "alone", _("On my own")
    PAIRS = "pairs", _("With a partner")
    TEAMS = "teams", _("In a team")


class ModePreference(models.TextChoices):
    READING = "reading", _("Reading")
    DOING = "doing", _("Doing")
    LISTENING = "listening", _("Listening")


PROFILE_TEXT_FIELDS = ("strengths", "interests", "aspirations", "languages", "supports")
PROFILE_LIST_FIELDS = ("group_preferences", "mode_preferences")
PROFILE_FIELDS = PROFILE_TEXT_FIELDS + PROFILE_LIST_FIELDS


class LearnerProfile(BaseModel):
    """Who a student is as a learner, in their own words and their teacher's. Each change is
    kept as a `LearnerProfileVersion`."""

    student = models.OneToOneField(
        Student, on_delete=models.CASCADE, related_name="learner_profile"
    )
    strengths = models.TextField(blank=True)
    interests = models.TextField(blank=True)
    aspirations = models.TextField(blank=True)
    group_preferences = models.JSONField(default=list, blank=True)
    mode_preferences = models.JSONField(default=list, blank=True)
    languages = models.TextField(blank=True)
    supports = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"profile of {self.student_id} v{self.version}"


class LearnerProfileVersion(models.Model):
    """One saved state of a profile: what it said, who changed it, when, and which fields."""

    profile = models.ForeignKey(LearnerProfile, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    data = models.JSONField()
    changed_fields = models.JSONField(default=list)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "version"], name="profile_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.profile_id} v{self.version}"


class Advising(BaseModel):
    """A staff member advises (mentors) a student: they see and co-build the student's plan."""

    advisor = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="advisings")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="advisings")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["advisor", "student"], name="advising_unique")
        ]

    def __str__(self) -> str:
        return f"{self.advisor_id} advises {self.student_id}"


class PlanState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    ACTIVE = "active", _("Active")
    COMPLETE = "complete", _("Complete")


class LearningPlan(BaseModel):
    """A student's plan for a period (a term, a year)."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="learning_plans")
    session = models.ForeignKey(
        AcademicSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    state = models.CharField(max_length=12, choices=PlanState.choices, default=PlanState.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["student", "state"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.student_id})"


class GoalKind(models.TextChoices):
    ACADEMIC = "academic", _("Academic")
    HABITS = "habits", _("Habits of learning")
    PERSONAL = "personal", _("Personal")


class GoalStatus(models.TextChoices):
    OPEN = "open", _("In progress")
    MET = "met", _("Met")
    DROPPED = "dropped", _("Dropped")


class Goal(BaseModel):
    """One goal of a plan. Academic goals name targets and the level to reach on each; their
    progress fields follow the student's mastery estimates."""

    plan = models.ForeignKey(LearningPlan, on_delete=models.CASCADE, related_name="goals")
    kind = models.CharField(max_length=10, choices=GoalKind.choices)
    title = models.CharField(max_length=300)
    measure = models.TextField(blank=True, help_text="How we will know it is reached.")
    target_on = models.DateField()
    targets = models.ManyToManyField(LearningTarget, blank=True, related_name="+")
    target_level = models.FloatField(
        null=True, blank=True, help_text="Level to reach on each target; empty = proficient."
    )
    status = models.CharField(max_length=8, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    dropped_reason = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    # Derived from mastery (plans.progress); never edited by hand.
    current_level = models.FloatField(null=True, blank=True)
    baseline_level = models.FloatField(null=True, blank=True)
    targets_met = models.PositiveSmallIntegerField(default=0)
    targets_total = models.PositiveSmallIntegerField(default=0)
    met_at = models.DateTimeField(null=True, blank=True)
    progress_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "position", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def trend(self) -> float | None:
        """Levels gained since the goal's progress was first measured."""
        if self.current_level is None or self.baseline_level is None:
            return None
        return self.current_level - self.baseline_level


class ActionStep(BaseModel):
    """Something to do for a goal by a date; a daily step is a "today" step."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="steps")
    what = models.CharField(max_length=300)
    due_on = models.DateField()
    is_daily = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["due_on", "done_at"])]

    def __str__(self) -> str:
        return self.what

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class NoteKind(models.TextChoices):
    COMMENT = "comment", _("Comment")
    PROPOSAL = "proposal", _("Proposed change")
    REFLECTION = "reflection", _("Reflection")
    FEEDBACK = "feedback", _("Feedback")


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class PlanNote(BaseModel):
    """A comment, a proposed change, a student's reflection or a teacher's feedback, on the
    plan, one goal or one step."""

    plan = models.ForeignKey(LearningPlan, on_delete=models.CASCADE, related_name="notes")
    goal = models.ForeignKey(
        Goal, null=True, blank=True, on_delete=models.CASCADE, related_name="notes"
    )
    step = models.ForeignKey(
        ActionStep, null=True, blank=True, on_delete=models.CASCADE, related_name="notes"
    )
    kind = models.CharField(max_length=12, choices=NoteKind.choices)
    body = models.TextField()
    # A proposal's change: {"field": ..., "value": ...} on its goal (title, measure, target_on).
    change = models.JSONField(default=dict, blank=True)
    proposal_status = models.CharField(max_length=10, choices=ProposalStatus.choices, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.plan_id}"


class PlanEventKind(models.TextChoices):
    CREATED = "created", _("created the plan")
    GOAL_ADDED = "goal_added", _("added a goal")
    GOAL_CHANGED = "goal_changed", _("changed a goal")
    GOAL_DROPPED = "goal_dropped", _("dropped a goal")
    GOAL_MET = "goal_met", _("goal met")
    STEP_ADDED = "step_added", _("added a step")
    STEP_DONE = "step_done", _("finished a step")
    STEP_UNDONE = "step_undone", _("reopened a step")
    SUBMITTED = "submitted", _("sent the plan for review")
    RETURNED = "returned", _("sent the plan back to draft")
    APPROVED = "approved", _("approved the plan")
    COMPLETED = "completed", _("completed the plan")
    NOTE = "note", _("wrote a note")
    PROPOSAL_ACCEPTED = "proposal_accepted", _("accepted a proposal")
    PROPOSAL_DECLINED = "proposal_declined", _("declined a proposal")


class PlanEvent(models.Model):
    """The plan's history: who did what, when. Rows are only ever added."""

    plan = models.ForeignKey(LearningPlan, on_delete=models.CASCADE, related_name="events")
    goal = models.ForeignKey(
        Goal, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=PlanEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_role = models.CharField(max_length=20, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.kind}"


class PlanTemplate(BaseModel):
    """A school's starting set of goals for a grade or a program.

    `goals` is a list of {"kind", "title", "measure", "target_codes", "days"}: `days` after the
    plan's start is the goal's target date (capped at the plan's end).
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="plan_templates")
    title = models.CharField(max_length=200)
    grade_level = models.SmallIntegerField(null=True, blank=True)
    program = models.CharField(max_length=120, blank=True)
    goals = models.JSONField(default=list)

    class Meta:
        ordering = ["school", "grade_level", "title"]

    def __str__(self) -> str:
        return self.title
