"""From an xAPI statement to evidence: who (a known student), on what (a target), how well.

Student: the actor's `account.name` equals the student's `source_id` or `local_id`, or the
actor's `mbox` is `mailto:` + the email of the student's login. Only students the client's
owner may see count (the owner's district).

Target: the statement's object id first, then the ids in `context.contextActivities`; an IRI
names a target when it equals the target's CASE URI, contains its CASE UUID, or ends (after the
last `/`, `#` or `:`) with the target's code. A code shared by two targets is ambiguous and
left for the administrator.

Score (see docs/xapi.md): with `result.score.scaled` s, the evidence score is
`min + max(s, 0) * (max - min)` on the target's performance scale, rounded to 0.01; with `raw`
between `min` and `max`, s = (raw - min) / (max - min); with only `result.success`, true gives
the scale's lowest proficient value and false the level just below it. Otherwise there is no
score and the statement waits to be mapped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q
from django.db.models.functions import Lower

from masterypath.continuum.models import LearningTarget, PerformanceScale
from masterypath.roster.access import students_visible_to
from masterypath.roster.models import Staff, Student

_UUID_IN = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Plan:
    """The evidence one statement should become, or why it cannot (yet)."""

    student: Student | None = None
    target: LearningTarget | None = None
    score: Decimal | None = None
    note: str = ""


def _actor_names(statement: dict[str, Any]) -> tuple[str, str]:
    """(account name, email) of an Agent actor; empty strings where absent."""
    actor = statement.get("actor") or {}
    if actor.get("objectType") == "Group":
        return "", ""
    account = actor.get("account") or {}
    mbox = actor.get("mbox") or ""
    email = mbox[len("mailto:"):].lower() if mbox.startswith("mailto:") else ""
    return str(account.get("name") or ""), email


def activity_ids(statement: dict[str, Any]) -> list[str]:
    """The object's id first, then the context activities' ids, in order."""
    ids: list[str] = []
    target = statement.get("object") or {}
    if target.get("objectType", "Activity") == "Activity" and "id" in target:
        ids.append(target["id"])
    context_activities = (statement.get("context") or {}).get("contextActivities") or {}
    for key in ("parent", "grouping", "category", "other"):
        items = context_activities.get(key) or []
        listed = items if isinstance(items, list) else [items]
        ids.extend(item["id"] for item in listed if isinstance(item, dict) and "id" in item)
    return ids


def _last_segment(iri: str) -> str:
    return re.split(r"[/#:]", iri.rstrip("/"))[-1]


def scaled_to_scale(scaled: float, scale: PerformanceScale) -> Decimal:
    """The documented rule: min + max(s, 0) * (max - min), rounded to 0.01."""
    low, high = scale.minimum, scale.maximum
    share = Decimal(str(max(0.0, min(1.0, scaled))))
    return (low + share * (high - low)).quantize(_CENT, rounding=ROUND_HALF_UP)


def score_for(statement: dict[str, Any], scale: PerformanceScale) -> Decimal | None:
    result = statement.get("result") or {}
    score = result.get("score") or {}
    if "scaled" in score:
        return scaled_to_scale(float(score["scaled"]), scale)
    if {"raw", "min", "max"} <= score.keys():
        low, high = float(score["min"]), float(score["max"])
        return scaled_to_scale((float(score["raw"]) - low) / (high - low), scale)
    if "success" in result:
        values = sorted(level.value for level in scale.levels.all())
        proficient = scale.proficient_value
        if result["success"]:
            return proficient
        below = [value for value in values if value < proficient]
        return below[-1] if below else values[0]
    return None


def _district_of(owner: Any) -> int | None:
    try:
        staff: Staff = owner.staff
    except Staff.DoesNotExist:
        return None
    return staff.district_id


def plans_for(*, owner: Any, statements: Iterable[dict[str, Any]]) -> list[Plan]:
    """One plan per statement, with two queries for the whole batch (students, targets)."""
    statements = list(statements)
    if owner is None:
        return [Plan(note="The client has no owner to record evidence for.")] * len(statements)
    names, emails, uuids, iris, codes = set(), set(), set(), set(), set()
    for statement in statements:
        name, email = _actor_names(statement)
        if name:
            names.add(name)
        if email:
            emails.add(email)
        for iri in activity_ids(statement):
            iris.add(iri)
            uuids.update(match.lower() for match in _UUID_IN.findall(iri))
            codes.add(_last_segment(iri))
    by_name: dict[str, Student] = {}
    by_email: dict[str, Student] = {}
    if names or emails:
        found = (
            students_visible_to(owner)
            .annotate(email_lower=Lower("user__email"))
            .filter(Q(source_id__in=names) | Q(local_id__in=names) | Q(email_lower__in=emails))
        )
        for student in found:
            for key in (student.source_id, student.local_id):
                if key in names:
                    by_name.setdefault(key, student)
            if student.email_lower:  # type: ignore[attr-defined]
                by_email.setdefault(student.email_lower, student)  # type: ignore[attr-defined]
    targets: list[LearningTarget] = []
    if iris:
        district_id = _district_of(owner)
        query = LearningTarget.objects.filter(
            Q(case_uuid__in=uuids) | Q(case_uri__in=iris) | Q(code__in=codes), is_retired=False
        )
        if district_id is not None:
            query = query.filter(
                Q(competency__domain__framework__district_id=district_id)
                | Q(competency__domain__framework__district__isnull=True)
            )
        targets = list(
            query.select_related("competency__domain__framework__scale").prefetch_related(
                "competency__domain__framework__scale__levels"
            )
        )
    by_uuid = {t.case_uuid.lower(): t for t in targets if t.case_uuid}
    by_uri = {t.case_uri: t for t in targets if t.case_uri}
    by_code: dict[str, list[LearningTarget]] = {}
    for target in targets:
        by_code.setdefault(target.code, []).append(target)
    plans = []
    for statement in statements:
        name, email = _actor_names(statement)
        student = by_name.get(name) if name else None
        if student is None and email:
            student = by_email.get(email)
        if student is None:
            plans.append(Plan(note="The actor is not a known student."))
            continue
        plans.append(_target_plan(statement, student, by_uuid, by_uri, by_code))
    return plans


def _target_plan(
    statement: dict[str, Any], student: Student, by_uuid: dict[str, LearningTarget],
    by_uri: dict[str, LearningTarget], by_code: dict[str, list[LearningTarget]],
) -> Plan:
    note = "Neither the object nor the context names a learning target."
    for iri in activity_ids(statement):
        target = by_uri.get(iri)
        if target is None:
            target = next(
                (by_uuid[m.lower()] for m in _UUID_IN.findall(iri) if m.lower() in by_uuid), None
            )
        if target is None:
            same_code = by_code.get(_last_segment(iri), [])
            if len(same_code) > 1:
                note = f"The code {_last_segment(iri)!r} names {len(same_code)} targets."
                continue
            target = same_code[0] if same_code else None
        if target is None:
            continue
        score = score_for(statement, target.competency.domain.framework.scale)
        if score is None:
            return Plan(student=student, target=target,
                        note="The result has no score and no success to place on the scale.")
        return Plan(student=student, target=target, score=score)
    return Plan(student=student, note=note)
