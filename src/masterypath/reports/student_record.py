"""A student's whole record as files: what a FERPA request for the record receives.

Read-only: the profile, guardians, enrollments, evidence (voided entries too), estimates,
observations, artifacts (their descriptions; the files are added beside them) and the audit
entries naming the student. Each table is a list of rows; the web layer writes them as CSV and
the profile as JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from masterypath.evidence.models import Artifact, Evidence, Observation
from masterypath.mastery.models import MasteryEstimate
from masterypath.roster.audit_selectors import AuditFilter, audit_entry_list_for_district
from masterypath.roster.models import Enrollment, GuardianLink, Student

PROFILE_FIELDS = (
    "id", "local_id", "state_id", "source_id", "given_name", "middle_name", "family_name",
    "preferred_name", "birth_on", "grade_level", "sex", "is_hispanic_latino",
    "is_american_indian", "is_asian", "is_black", "is_pacific_islander", "is_white",
    "is_economically_disadvantaged", "disability", "is_english_learner", "home_language",
    "is_active", "created_at", "updated_at",
)  # fmt: skip


@dataclass
class StudentRecord:
    profile: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    artifacts: list[Artifact] = field(default_factory=list)


def _text(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def student_record_get(*, student: Student) -> StudentRecord:
    """Everything stored about `student` (a student the caller may already see)."""
    profile = {name: _text(getattr(student, name)) for name in PROFILE_FIELDS}
    profile["school"] = student.school.name
    profile["district"] = student.district.name
    tables: dict[str, list[dict[str, Any]]] = {}
    tables["guardians"] = [
        {
            "given_name": link.guardian.given_name,
            "family_name": link.guardian.family_name,
            "email": link.guardian.email,
            "relationship": link.relationship,
        }
        for link in GuardianLink.objects.filter(student=student).select_related("guardian")
    ]
    tables["enrollments"] = [
        {
            "section": e.section.title,
            "school": e.section.school.name,
            "begins_on": _text(e.begins_on),
            "ends_on": _text(e.ends_on),
        }
        for e in Enrollment.objects.filter(student=student).select_related("section__school")
    ]
    tables["evidence"] = [
        {
            "id": e.pk,
            "target": e.target.code,
            "score": _text(e.score),
            "observed_at": _text(e.observed_at),
            "kind": e.kind,
            "source": e.source,
            "comment": getattr(e, "comment", ""),
            "is_voided": e.is_voided,
        }
        for e in Evidence.objects.filter(student=student).select_related("target").order_by("id")
    ]
    tables["estimates"] = [
        {
            "target": m.target.code,
            "method": m.method,
            "value": m.value,
            "status": m.status,
            "evidence_count": m.evidence_count,
            "computed_at": _text(m.computed_at),
        }
        for m in MasteryEstimate.objects.filter(student=student).select_related("target")
    ]
    tables["observations"] = [
        {"observed_at": _text(o.observed_at), "author": str(o.author), "note": o.note}
        for o in Observation.objects.filter(student=student).select_related("author")
    ]
    artifacts = list(Artifact.objects.filter(student=student).order_by("id"))
    tables["artifacts"] = [
        {
            "id": a.pk,
            "title": a.title,
            "content_type": a.content_type,
            "size_bytes": a.size_bytes,
            "created_at": _text(a.created_at),
            "file": f"artifacts/{a.pk}-{(a.file.name or '').rsplit('/', 1)[-1]}" if a.file else "",
        }
        for a in artifacts
    ]
    tables["audit"] = [
        {
            "at": _text(entry.at),
            "user": entry.actor.username if entry.actor else "",
            "action": entry.action,
            "page": (entry.detail or {}).get("page", "") if isinstance(entry.detail, dict) else "",
            "subject": f"{entry.subject_type}#{entry.subject_id}",
        }
        for entry in audit_entry_list_for_district(
            district_id=student.district_id, filters=AuditFilter(student=student)
        )
    ]
    return StudentRecord(profile=profile, tables=tables, artifacts=artifacts)
