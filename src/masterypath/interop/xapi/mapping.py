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

from django.db.models.functions import Lower

from masterypath.accounts.models import User
from masterypath.continuum.access import targets_visible_to
from masterypath.continuum.models import LearningTarget, PerformanceScale
from masterypath.roster.access import students_visible_to
from masterypath.roster.models import Student

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
    email = mbox[len("mailto:") :].lower() if mbox.startswith("mailto:") else ""
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


# The owner's directory: every visible student's keys and every candidate target's
# identifiers, loaded in two light queries and kept per process for CACHE_SECONDS. A tool
# sends statements about many learners (most of them unknown to us), so answering each from
# memory beats two look-up queries per request; a student or target added, moved or retired is
# seen within CACHE_SECONDS. Student and target objects are fetched only for statements that
# map to evidence.
CACHE_SECONDS = 30.0


@dataclass(frozen=True)
class _Directory:
    until: float
    by_name: dict[str, int]  # account name (source_id or local_id) -> student id
    by_email: dict[str, int]  # lower-cased login email -> student id
    by_uri: dict[str, int]  # CASE URI -> target id
    by_uuid: dict[str, int]  # lower-cased CASE UUID -> target id
    by_code: dict[str, list[int]]  # code -> target ids (more than one: ambiguous)


_directories: dict[int, _Directory] = {}
_lock = threading.Lock()


def cache_clear() -> None:
    with _lock:
        _directories.clear()


def _directory(owner: User) -> _Directory:
    now = time.monotonic()
    cached = _directories.get(owner.pk)
    if cached is not None and cached.until > now:
        return cached
    by_name: dict[str, int] = {}
    by_email: dict[str, int] = {}
    students = students_visible_to(owner).annotate(email_lower=Lower("user__email"))
    for pk, source_id, local_id, email in students.values_list(
        "pk", "source_id", "local_id", "email_lower"
    ):
        for key in (source_id, local_id):
            if key:
                by_name.setdefault(key, pk)
        if email:
            by_email.setdefault(email, pk)
    targets = targets_visible_to(owner).filter(is_retired=False)
    by_uri: dict[str, int] = {}
    by_uuid: dict[str, int] = {}
    by_code: dict[str, list[int]] = {}
    for pk, uri, case_uuid, code in targets.values_list("pk", "case_uri", "case_uuid", "code"):
        if uri:
            by_uri[uri] = pk
        if case_uuid:
            by_uuid[case_uuid.lower()] = pk
        by_code.setdefault(code, []).append(pk)
    directory = _Directory(now + CACHE_SECONDS, by_name, by_email, by_uri, by_uuid, by_code)
    with _lock:
        _directories[owner.pk] = directory
    return directory


def _resolve(iri: str, directory: _Directory) -> int | str | None:
    """The target id an IRI names (CASE URI, then a CASE UUID in it, then its last segment as
    a code), a note when that code is ambiguous, or None."""
    if iri in directory.by_uri:
        return directory.by_uri[iri]
    for match in _UUID_IN.findall(iri):
        if match.lower() in directory.by_uuid:
            return directory.by_uuid[match.lower()]
    code = _last_segment(iri)
    same_code = directory.by_code.get(code, [])
    if len(same_code) > 1:
        return f"The code {code!r} names {len(same_code)} targets."
    return same_code[0] if same_code else None


def plans_for(*, owner: User | None, statements: Iterable[dict[str, Any]]) -> list[Plan]:
    """One plan per statement, from the owner's cached directory; the students and targets
    of the statements that map are then fetched in two queries for the whole batch."""
    statements = list(statements)
    if owner is None:
        return [Plan(note="The client has no owner to record evidence for.")] * len(statements)
    directory = _directory(owner)
    found: list[tuple[int, int, dict[str, Any]] | Plan] = []  # (student, target, statement)
    for statement in statements:
        name, email = _actor_names(statement)
        student_id = directory.by_name.get(name) if name else None
        if student_id is None and email:
            student_id = directory.by_email.get(email)
        if student_id is None:
            found.append(Plan(note="The actor is not a known student."))
            continue
        note = "Neither the object nor the context names a learning target."
        target_id = None
        for iri in activity_ids(statement):
            resolved = _resolve(iri, directory)
            if isinstance(resolved, str):
                note = resolved
            elif resolved is not None:
                target_id = resolved
                break
        found.append((student_id, target_id, statement) if target_id else Plan(note=note))
    wanted = [item for item in found if isinstance(item, tuple)]
    students: dict[int, Student] = {}
    targets: dict[int, LearningTarget] = {}
    if wanted:
        students = Student.objects.in_bulk({s for s, _, _ in wanted})
        targets = (
            LearningTarget.objects.select_related("competency__domain__framework__scale")
            .prefetch_related("competency__domain__framework__scale__levels")
            .in_bulk({t for _, t, _ in wanted})
        )
    plans = []
    for item in found:
        if isinstance(item, Plan):
            plans.append(item)
            continue
        student_id, target_id, statement = item
        student = students.get(student_id)
        target = targets.get(target_id)
        if student is None or target is None:  # deleted since the directory was loaded
            plans.append(
                Plan(
                    note="The actor is not a known student."
                    if student is None
                    else "The learning target no longer exists."
                )
            )
        else:
            score = score_for(statement, target.competency.domain.framework.scale)
            if score is None:
                plans.append(
                    Plan(
                        student=student,
                        target=target,
                        note="The result has no score and no success to place on the scale.",
                    )
                )
            else:
                plans.append(Plan(student=student, target=target, score=score))
    return plans


def _agent_student(agent: Any, directory: _Directory) -> int | None:
    """The student an Agent names, by the rule of `plans_for` (account name, then email)."""
    if not isinstance(agent, dict) or agent.get("objectType") == "Group":
        return None
    name, email = _actor_names({"actor": agent})
    student_id = directory.by_name.get(name) if name else None
    if student_id is None and email:
        student_id = directory.by_email.get(email)
    return student_id


def _agents_of(statement: dict[str, Any]) -> Iterable[Any]:
    """The actor and an Agent or Group object of a statement and of its sub-statement, and
    each Group's members."""
    parts = [statement]
    target = statement.get("object")
    if isinstance(target, dict) and target.get("objectType") == "SubStatement":
        parts.append(target)
    agents: list[Any] = []
    for part in parts:
        agents.append(part.get("actor"))
        target = part.get("object")
        if isinstance(target, dict) and target.get("objectType") in {"Agent", "Group"}:
            agents.append(target)
    for agent in agents:
        if not isinstance(agent, dict):
            continue
        yield agent
        members = agent.get("member")
        if agent.get("objectType") == "Group" and isinstance(members, list):
            yield from members


def students_named(*, owner: User | None, statements: Iterable[dict[str, Any]]) -> list[int]:
    """The ids of the owner's students that these statements are about (their actor, an Agent
    object, a Group's members), sorted; from the owner's cached directory, no query when warm."""
    if owner is None:
        return []
    directory = _directory(owner)
    found: set[int] = set()
    for statement in statements:
        for agent in _agents_of(statement):
            student_id = _agent_student(agent, directory)
            if student_id is not None:
                found.add(student_id)
    return sorted(found)


def agent_student(*, owner: User | None, agent: dict[str, Any]) -> int | None:
    """The owner's student an `agent` parameter names (State, Agent Profile), or None."""
    if owner is None:
        return None
    return _agent_student(agent, _directory(owner))
