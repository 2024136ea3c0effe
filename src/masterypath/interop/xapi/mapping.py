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
import threading
import time
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


# Look-ups are remembered per process for CACHE_SECONDS, per owner: a tool sends the same
# students and activities over and over, so a busy tool costs two queries every half minute
# instead of two per request. A student or target added (or retired) is seen within that time.
CACHE_SECONDS = 30.0
_MAX_ENTRIES = 100_000
_students: dict[tuple[int, str, str], tuple[float, Student | None]] = {}
_iris: dict[tuple[int, str], tuple[float, list[LearningTarget]]] = {}
_lock = threading.Lock()


def cache_clear() -> None:
    with _lock:
        _students.clear()
        _iris.clear()


def _remember(cache: dict[Any, Any], items: dict[Any, Any], until: float) -> None:
    with _lock:
        if len(cache) + len(items) > _MAX_ENTRIES:
            cache.clear()
        for key, value in items.items():
            cache[key] = (until, value)


def plans_for(*, owner: Any, statements: Iterable[dict[str, Any]]) -> list[Plan]:
    """One plan per statement; at most two queries for the whole batch (students, targets),
    none when every actor and activity id was looked up for this owner in the last 30 s."""
    statements = list(statements)
    if owner is None:
        return [Plan(note="The client has no owner to record evidence for.")] * len(statements)
    now = time.monotonic()
    students: dict[tuple[int, str, str], Student | None] = {}
    candidates: dict[tuple[int, str], list[LearningTarget]] = {}
    names, emails, iris = set(), set(), set()
    for statement in statements:
        name, email = _actor_names(statement)
        for kind, key, wanted in (("name", name, names), ("email", email, emails)):
            cached = _students.get((owner.pk, kind, key)) if key else None
            if cached is not None and cached[0] > now:
                students[(owner.pk, kind, key)] = cached[1]
            elif key:
                wanted.add(key)
        for iri in activity_ids(statement):
            hit = _iris.get((owner.pk, iri))
            if hit is not None and hit[0] > now:
                candidates[(owner.pk, iri)] = hit[1]
            else:
                iris.add(iri)
    until = now + CACHE_SECONDS
    if names or emails:
        found = _students_by_key(owner, names, emails)
        _remember(_students, found, until)
        students.update(found)
    if iris:
        found_targets = _targets_by_iri(owner, iris)
        _remember(_iris, found_targets, until)
        candidates.update(found_targets)
    plans = []
    for statement in statements:
        name, email = _actor_names(statement)
        student = students[(owner.pk, "name", name)] if name else None
        if student is None and email:
            student = students[(owner.pk, "email", email)]
        if student is None:
            plans.append(Plan(note="The actor is not a known student."))
            continue
        plans.append(_target_plan(statement, student, owner.pk, candidates))
    return plans


def _students_by_key(
    owner: Any, names: set[str], emails: set[str]
) -> dict[tuple[int, str, str], Student | None]:
    """The owner's visible students by account name (source or local id) and by login email;
    None for keys that name nobody (remembered too)."""
    found: dict[tuple[int, str, str], Student | None] = {
        **{(owner.pk, "name", name): None for name in names},
        **{(owner.pk, "email", email): None for email in emails},
    }
    students = (
        students_visible_to(owner)
        .annotate(email_lower=Lower("user__email"))
        .filter(Q(source_id__in=names) | Q(local_id__in=names) | Q(email_lower__in=emails))
    )
    for student in students:
        for key in (student.source_id, student.local_id):
            if key in names and found[(owner.pk, "name", key)] is None:
                found[(owner.pk, "name", key)] = student
        email = student.email_lower  # type: ignore[attr-defined]
        if email in emails and found[(owner.pk, "email", email)] is None:
            found[(owner.pk, "email", email)] = student
    return found


def _targets_by_iri(owner: Any, iris: set[str]) -> dict[tuple[int, str], list[LearningTarget]]:
    """For each IRI, the targets it may name: by CASE URI, by a CASE UUID inside it, or by the
    code after its last separator (all candidates; `_resolve` picks)."""
    uuids = {match.lower() for iri in iris for match in _UUID_IN.findall(iri)}
    codes = {_last_segment(iri) for iri in iris}
    query = LearningTarget.objects.filter(
        Q(case_uuid__in=uuids) | Q(case_uri__in=iris) | Q(code__in=codes), is_retired=False
    )
    district_id = _district_of(owner)
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
    result = {}
    for iri in iris:
        iri_uuids = {match.lower() for match in _UUID_IN.findall(iri)}
        code = _last_segment(iri)
        result[(owner.pk, iri)] = [
            t for t in targets
            if t.case_uri == iri or (t.case_uuid and t.case_uuid.lower() in iri_uuids)
            or t.code == code
        ]
    return result


def _resolve(iri: str, candidates: list[LearningTarget]) -> LearningTarget | str | None:
    """The target an IRI names (CASE URI, then CASE UUID, then code), a note when its code is
    ambiguous, or None."""
    for target in candidates:
        if target.case_uri and target.case_uri == iri:
            return target
    for match in _UUID_IN.findall(iri):
        for target in candidates:
            if target.case_uuid and target.case_uuid.lower() == match.lower():
                return target
    code = _last_segment(iri)
    same_code = [t for t in candidates if t.code == code]
    if len(same_code) > 1:
        return f"The code {code!r} names {len(same_code)} targets."
    return same_code[0] if same_code else None


def _target_plan(
    statement: dict[str, Any], student: Student, owner_pk: int,
    candidates: dict[tuple[int, str], list[LearningTarget]],
) -> Plan:
    note = "Neither the object nor the context names a learning target."
    for iri in activity_ids(statement):
        resolved = _resolve(iri, candidates[(owner_pk, iri)])
        if isinstance(resolved, str):
            note = resolved
            continue
        if resolved is None:
            continue
        score = score_for(statement, resolved.competency.domain.framework.scale)
        if score is None:
            return Plan(student=student, target=resolved,
                        note="The result has no score and no success to place on the scale.")
        return Plan(student=student, target=resolved, score=score)
    return Plan(student=student, note=note)
