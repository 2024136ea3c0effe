"""Evidence of learning: assessments, scores per target, observations and student work.

Evidence is never deleted: a wrong entry is voided with a reason, and both stay in the history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from masterypath.common.models import BaseModel
from masterypath.continuum.models import LearningTarget
from masterypath.roster.models import Section, Staff, Student


class EvidenceKind(models.TextChoices):
    DIAGNOSTIC = "diagnostic", "Diagnostic"
    FORMATIVE = "formative", "Formative"
    SUMMATIVE = "summative", "Summative"
    EXIT_TICKET = "exit_ticket", "Exit ticket"
    QUIZ = "quiz", "Quiz"
    PROJECT = "project", "Project"
    OBSERVATION = "observation", "Observation"
    WORK_SAMPLE = "work_sample", "Work sample"
    SELF_ASSESSMENT = "self_assessment", "Self-assessment"


class EvidenceSource(models.TextChoices):
    TEACHER = "teacher", "Teacher entry"
    IMPORT = "import", "File import"
    ONEROSTER = "oneroster", "OneRoster gradebook"
    XAPI = "xapi", "xAPI statement"
    STUDENT = "student", "Student"
    DEMO = "demo", "Demo data"


DOK_CONSTRAINT = Q(dok__isnull=True) | Q(dok__gte=1, dok__lte=4)


class Assessment(BaseModel):
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    title = models.CharField(max_length=255)
    kind = models.CharField(max_length=16, choices=EvidenceKind.choices)
    assessed_on = models.DateField()
    dok = models.PositiveSmallIntegerField(null=True, blank=True)
    targets = models.ManyToManyField(LearningTarget, related_name="assessments", blank=True)
    rubric = models.ForeignKey(
        "continuum.Rubric",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assessments",
    )
    source = models.CharField(
        max_length=16, choices=EvidenceSource.choices, default=EvidenceSource.TEACHER
    )
    source_id = models.CharField(max_length=255, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Exit tickets may let students rate themselves; those answers are kept apart from
    # teacher evidence (kind self_assessment, source student).
    allows_self_assessment = models.BooleanField(db_default=False, default=False)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )

    class Meta:
        ordering = ["-assessed_on", "title"]
        constraints = [models.CheckConstraint(condition=DOK_CONSTRAINT, name="assessment_dok")]

    def __str__(self) -> str:
        return self.title


class Evidence(models.Model):
    """One score of one student on one target at one time, on the target's scale."""

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="evidence")
    target = models.ForeignKey(LearningTarget, on_delete=models.PROTECT, related_name="evidence")
    score = models.DecimalField(max_digits=6, decimal_places=2)
    observed_at = models.DateTimeField()
    kind = models.CharField(max_length=16, choices=EvidenceKind.choices)
    dok = models.PositiveSmallIntegerField(null=True, blank=True)
    source = models.CharField(
        max_length=16, choices=EvidenceSource.choices, default=EvidenceSource.TEACHER
    )
    source_id = models.CharField(max_length=255, blank=True, db_default="")
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True, db_default="")
    # Where the score came from, when it came from a rubric row, an observation or student work.
    criterion = models.ForeignKey(
        "continuum.RubricCriterion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    observation = models.ForeignKey(
        "evidence.Observation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    artifact = models.ForeignKey(
        "evidence.Artifact",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    # A re-score voids the old entry and records a new one that points back at it.
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    is_voided = models.BooleanField(db_default=False)
    voided_reason = models.TextField(blank=True, db_default="")
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["observed_at", "id"]
        verbose_name_plural = "evidence"
        indexes = [
            models.Index(fields=["student", "target", "observed_at"]),
            models.Index(fields=["target", "observed_at"]),
            models.Index(fields=["assessment", "student"]),
        ]
        constraints = [
            models.CheckConstraint(condition=DOK_CONSTRAINT, name="evidence_dok"),
            models.CheckConstraint(
                condition=Q(is_voided=False) | ~Q(voided_reason=""),
                name="evidence_void_needs_reason",
            ),
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~Q(source_id=""),
                name="evidence_source_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student_id}/{self.target_id}={self.score} @ {self.observed_at:%Y-%m-%d}"


class Observation(BaseModel):
    """A staff note about a student, tagged to targets (academic or habits of learning)."""

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="observations")
    author = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="observations")
    observed_at = models.DateTimeField()
    note = models.TextField()
    targets = models.ManyToManyField(LearningTarget, related_name="observations", blank=True)
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="observations"
    )
    # "<form submission id>:<student id>": a form sent twice adds nothing the second time.
    source_id = models.CharField(max_length=255, blank=True, db_default="")

    class Meta:
        ordering = ["-observed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "source_id"],
                condition=~Q(source_id=""),
                name="observation_source_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.note[:60]


class Artifact(BaseModel):
    """Student work (a file) tagged to targets, which a teacher may score as evidence."""

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="artifacts")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(max_length=255)
    file = models.FileField(upload_to="artifacts/%Y/%m/")
    content_type = models.CharField(max_length=120, blank=True)
    size_bytes = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True, db_default="")
    dok = models.PositiveSmallIntegerField(null=True, blank=True)
    targets = models.ManyToManyField(LearningTarget, related_name="artifacts", blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=DOK_CONSTRAINT, name="artifact_dok")]

    def __str__(self) -> str:
        return self.title


class ScoreImportStatus(models.TextChoices):
    PREVIEWED = "previewed", "Previewed"
    COMMITTED = "committed", "Imported"


class ScoreImport(BaseModel):
    """A CSV of scores a teacher uploaded for a section: previewed first, imported on confirm.

    The file's text is kept so that the confirmed import writes exactly what the preview showed.
    """

    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="score_imports")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filename = models.CharField(max_length=255)
    content = models.TextField()
    sha256 = models.CharField(max_length=64)
    status = models.CharField(
        max_length=16, choices=ScoreImportStatus.choices, default=ScoreImportStatus.PREVIEWED
    )
    row_count = models.PositiveIntegerField(default=0)
    added_count = models.PositiveIntegerField(default=0)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"
