"""Writes of many evidence rows at once: `evidence_record_many` and `evidence_void_many`.

Every importer hands its rows here: the score CSV, the OneRoster gradebook, xAPI statements and
the demo seed. One call validates every row (score on the target's scale, date, DOK, kind and
source; the target visible in the student's district; the student reachable by the actor) and,
only when no row is refused, writes the new rows in bulk (COPY on PostgreSQL, executemany on
SQLite; no model instance per row), updates rows re-sent under the same `source_id` with other
values, skips rows re-sent unchanged, adds one audit entry for the batch and publishes one
`EvidenceRecordedMany` on commit. Reads go in chunks of `IN_CHUNK` keys, so the number of
queries does not grow with the batch until it holds thousands of distinct keys.

Who may record: a signed-in teacher, principal or district admin for the students they serve,
or a `SystemActor` of a district (an import with nobody signed in, the demo seed) for every
student of that district. Importers pass the person who started the import when there is one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, NamedTuple, cast

from django.db import transaction
from django.db.models import CharField, Max, Min
from django.db.models.functions import Cast
from django.utils import timezone

from masterypath.accounts.actors import Actor, SystemActor
from masterypath.accounts.models import User
from masterypath.common import events
from masterypath.common.audit import audit_record_batch
from masterypath.common.bulk import (
    IN_CHUNK,
    bulk_insert,
    chunked,
    db_datetime,
    db_datetimes,
    rows_in,
)
from masterypath.common.event_types import EvidenceRecordedMany, EvidenceVoidedMany, Pair
from masterypath.common.models import AuditAction
from masterypath.continuum.access import targets_visible_in_district
from masterypath.continuum.models import PerformanceLevel
from masterypath.evidence.access import students_scorable_by
from masterypath.evidence.errors import EvidenceError, EvidenceErrorCode
from masterypath.evidence.models import Evidence, EvidenceKind, EvidenceSource
from masterypath.evidence.services.entries import FUTURE_TOLERANCE

_CENT = Decimal("0.01")
_KINDS = frozenset(EvidenceKind.values)
_SOURCES = frozenset(EvidenceSource.values)
SOURCE_ID_MAX = 255


class EvidenceRow(NamedTuple):
    """One score to record. `source_id` (unique per source) makes a re-sent row idempotent;
    `recorded_by_id` names who scored it when a `SystemActor` records (a person records as
    themself, whatever it says). A named tuple: an import builds hundreds of thousands."""

    student_id: int
    target_id: int
    score: Decimal
    observed_at: datetime
    kind: str = EvidenceKind.FORMATIVE
    source: str = EvidenceSource.TEACHER
    source_id: str = ""
    dok: int | None = None
    comment: str = ""
    assessment_id: int | None = None
    recorded_by_id: int | None = None
    # When the score was entered, for a loader replaying history (the demo seed) as a
    # SystemActor; None, and always for a person, is now.
    recorded_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class RowError:
    """Why row `index` (its position in the rows given, from 0) was refused."""

    index: int
    field: str
    message: str


class EvidenceBatchError(EvidenceError):
    """Some rows were refused, so nothing was written; `errors` says which and why."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = tuple(errors)
        first = self.errors[0]
        more = f" (and {len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
        super().__init__(
            EvidenceErrorCode.ROWS_REFUSED,
            f"Row {first.index + 1}, {first.field}: {first.message}{more} Nothing was recorded.",
        )


@dataclass(frozen=True, slots=True)
class RecordedMany:
    """What a batch did: rows created, rows updated in place (re-sent with other values),
    rows skipped (re-sent unchanged, or voided since), and the (student, target) pairs whose
    evidence changed."""

    created: int
    updated: int
    skipped: int
    pairs: tuple[Pair, ...]


@dataclass(frozen=True, slots=True)
class _Target:
    code: str
    low: Decimal
    high: Decimal


class _Stored(NamedTuple):
    pk: int
    student_id: int
    target_id: int
    values: tuple[Any, ...]  # (score, observed_at, kind, dok, comment, assessment_id)
    is_voided: bool


def _reachable(actor: Actor | SystemActor, student_ids: Iterable[int]) -> dict[int, int]:
    """Student id -> district id of the students `actor` may record evidence for."""
    students = students_scorable_by(actor)
    found: dict[int, int] = {}
    for chunk in chunked(student_ids):
        found.update(students.filter(pk__in=chunk).values_list("pk", "district_id"))
    return found


def _targets(district_ids: Iterable[int], target_ids: list[int]) -> dict[tuple[int, int], _Target]:
    """(district id, target id) -> code and scale bounds, for the targets visible there."""
    rows: dict[tuple[int, int], tuple[str, int]] = {}
    for district_id in district_ids:
        visible = targets_visible_in_district(district_id)
        for chunk in chunked(target_ids):
            for pk, code, scale_id in visible.filter(pk__in=chunk).values_list(
                "pk", "code", "competency__domain__framework__scale_id"
            ):
                rows[(district_id, pk)] = (code, scale_id)
    bounds = {
        row["scale_id"]: (_cents(row["low"]), _cents(row["high"]))
        for row in PerformanceLevel.objects.filter(
            scale_id__in={scale_id for _, scale_id in rows.values()}
        )
        .values("scale_id")
        .annotate(low=Min("value"), high=Max("value"))
    }
    return {
        key: _Target(code, *bounds[scale_id])
        for key, (code, scale_id) in rows.items()
        if scale_id in bounds
    }


def _cents(value: Decimal) -> Decimal:
    return Decimal(value).quantize(_CENT)


def _stored(keys: dict[str, list[str]]) -> dict[tuple[str, str], _Stored]:
    """(source, source_id) -> the row stored under it, for every key given; values in the
    form `_compared` gives a new row (scores in cents, dates aware)."""
    found: dict[tuple[str, str], _Stored] = {}
    # Rows read raw (SQLite: naive UTC datetimes, float scores) repeat few distinct values.
    cents: dict[Any, Decimal | None] = {None: None}
    aware: dict[Any, datetime] = {}
    for source, source_ids in keys.items():
        # The date as text: few distinct values to parse, where the driver would build a
        # datetime for every row.
        stored = (
            Evidence.objects.filter(source=source)
            .exclude(source_id="")
            .annotate(observed_text=Cast("observed_at", CharField()))
        )
        for row in rows_in(
            stored,
            "source_id",
            source_ids,
            "source_id",
            "pk",
            "student_id",
            "target_id",
            "is_voided",
            "score",
            "observed_text",
            "kind",
            "dok",
            "comment",
            "assessment_id",
        ):
            score, observed_at = row[5], row[6]
            if score not in cents:
                cents[score] = Decimal(score).quantize(_CENT)
            if observed_at not in aware:
                aware[observed_at] = _aware(observed_at)
            values = (cents[score], aware[observed_at], row[7], row[8], row[9], row[10])
            found[(source, row[0])] = _Stored(row[1], row[2], row[3], values, bool(row[4]))
    return found


def _aware(value: datetime | str) -> datetime:
    """A stored datetime read as text (SQLite: naive UTC; PostgreSQL: with its offset)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _score(raw: Decimal) -> Decimal | None:
    try:
        score = Decimal(raw)
    except (InvalidOperation, TypeError, ValueError):
        return None
    if not score.is_finite():
        return None
    return score.quantize(_CENT, rounding=ROUND_HALF_UP)


def _when_error(observed_at: datetime, latest: datetime) -> str:
    """Why `observed_at` cannot be recorded ("" when it can)."""
    if not isinstance(observed_at, datetime) or timezone.is_naive(observed_at):
        return "A date and time with a time zone is due."
    if observed_at > latest:
        return f"The date {timezone.localtime(observed_at):%Y-%m-%d} is in the future."
    return ""


def _kind_errors(kind: str, source: str, dok: int | None) -> list[tuple[str, str]]:
    errors = []
    if kind not in _KINDS:
        errors.append(("kind", f"Unknown kind {kind!r}."))
    if source not in _SOURCES:
        errors.append(("source", f"Unknown source {source!r}."))
    if dok is not None and not (isinstance(dok, int) and 1 <= dok <= 4):
        errors.append(("dok", f"DOK must be 1-4, not {dok!r}."))
    return errors


def evidence_check_many(
    *, actor: Actor | SystemActor, rows: Sequence[EvidenceRow]
) -> tuple[list[RowError], list[Decimal | None]]:
    """Every row's errors, and each row's score as it would be stored (None when refused).
    Reads only: what `evidence_record_many` checks before it writes."""
    errors, scores = _check_rows(actor, rows)
    errors += _duplicates(rows)
    errors.sort(key=lambda error: error.index)
    return errors, scores


def _duplicates(rows: Sequence[EvidenceRow]) -> list[RowError]:
    """Rows repeating the (source, source_id) of an earlier row of the batch."""
    errors = []
    first_of: dict[tuple[str, str], int] = {}
    for index, row in enumerate(rows):
        if row.source_id:
            first = first_of.setdefault((row.source, row.source_id), index)
            if first != index:
                errors.append(
                    RowError(index, "source_id", f"Repeats the source id of row {first + 1}.")
                )
    return errors


def _check_rows(
    actor: Actor | SystemActor, rows: Sequence[EvidenceRow]
) -> tuple[list[RowError], list[Decimal | None]]:
    """Each row's errors (source ids aside) and its score in cents (None when refused).

    An import repeats few distinct dates, scores, kinds and sources, so each distinct value
    is checked once; what is left per row is a few dictionary look-ups.
    """
    district_of = _reachable(actor, {row.student_id for row in rows})
    targets = _targets(set(district_of.values()), list({row.target_id for row in rows}))
    by_district: dict[int, dict[int, _Target]] = defaultdict(dict)
    for (visible_in, target_id), found in targets.items():
        by_district[visible_in][target_id] = found
    latest = timezone.now() + FUTURE_TOLERANCE
    when_errors: dict[datetime, str] = {}
    kind_errors: dict[tuple[str, str, int | None], list[tuple[str, str]]] = {}
    rounded: dict[Any, Decimal | None] = {}
    errors: list[RowError] = []
    scores: list[Decimal | None] = []
    for index, row in enumerate(rows):
        count = len(errors)
        district_id = district_of.get(row.student_id)
        target: _Target | None = None
        if district_id is None:
            errors.append(
                RowError(index, "student", "You may not record evidence for this student.")
            )
        else:
            target = by_district[district_id].get(row.target_id)
            if target is None:
                errors.append(RowError(index, "target", "No such learning target."))
        raw = row.score
        if raw in rounded:
            score = rounded[raw]
        else:
            score = rounded[raw] = _score(raw)
        if score is None:
            errors.append(RowError(index, "score", f"{raw!r} is not a score."))
        elif target is not None and not target.low <= score <= target.high:
            errors.append(
                RowError(
                    index,
                    "score",
                    f"Score {score.normalize()} is off the scale of {target.code} "
                    f"({target.low}-{target.high}).",
                )
            )
        observed_at = row.observed_at
        when = when_errors.get(observed_at)
        if when is None:
            when = when_errors[observed_at] = _when_error(observed_at, latest)
        if when:
            errors.append(RowError(index, "observed_at", when))
        key = (row.kind, row.source, row.dok)
        kind = kind_errors.get(key)
        if kind is None:
            kind = kind_errors[key] = _kind_errors(*key)
        if kind:
            errors.extend(RowError(index, field, message) for field, message in kind)
        if "\x00" in row.comment:
            errors.append(RowError(index, "comment", "The comment holds a NUL character."))
        source_id = row.source_id
        if source_id and ("\x00" in source_id or len(source_id) > SOURCE_ID_MAX):
            errors.append(
                RowError(
                    index, "source_id", f"A source id is text of at most {SOURCE_ID_MAX} chars."
                )
            )
        scores.append(score if len(errors) == count else None)
    return errors, scores


EVIDENCE_COLUMNS = (
    "student",
    "target",
    "score",
    "observed_at",
    "kind",
    "dok",
    "source",
    "source_id",
    "assessment",
    "recorded_by",
    "recorded_at",
    "comment",
)


def _times(rows: Sequence[EvidenceRow]) -> list[Any]:
    """Database values of the rows' observed_at; an import repeats few distinct times."""
    distinct = list({row.observed_at for row in rows})
    converted = dict(zip(distinct, db_datetimes(list(distinct)), strict=True))
    return [converted[row.observed_at] for row in rows]


@transaction.atomic
def evidence_record_many(
    *,
    actor: Actor | SystemActor,
    rows: Sequence[EvidenceRow],
    audit_detail: dict[str, Any] | None = None,
    publish_event: bool = True,
) -> RecordedMany:
    """Record every row, or none: raises `EvidenceBatchError` listing each refused row.

    A row whose (source, source_id) is stored already is skipped when it says the same (or the
    stored row was voided since) and updated in place when its score, date, kind, DOK, comment
    or assessment changed; one that names another student or target is refused. One audit
    entry summarises the batch (`audit_detail` adds to it). `publish_event=False` is for a
    caller that rebuilds mastery itself in the same transaction (the demo seed).
    """
    errors = _duplicates(rows)
    keys: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        if row.source_id:
            keys[row.source].append(row.source_id)
    stored = _stored(keys) if keys else {}
    # A row stored already and re-sent unchanged is skipped before any check: nothing is
    # written for it (a re-import of a whole gradebook costs its look-ups, no more).
    todo: list[int] = []
    olds: dict[int, _Stored] = {}
    rounded: dict[Any, Decimal | None] = {}
    skipped = 0
    for index, row in enumerate(rows):
        old = stored.get((row.source, row.source_id)) if row.source_id else None
        if old is None:
            todo.append(index)
            continue
        if (old.student_id, old.target_id) != (row.student_id, row.target_id):
            errors.append(
                RowError(
                    index,
                    "source_id",
                    f"{row.source_id!r} already names evidence of another student or target.",
                )
            )
            continue
        if row.score not in rounded:
            rounded[row.score] = _score(row.score)
        if old.is_voided or old.values == _compared(row, rounded[row.score]):
            skipped += 1
            continue
        todo.append(index)
        olds[index] = old
    checked, checked_scores = _check_rows(actor, [rows[index] for index in todo])
    errors += [RowError(todo[error.index], error.field, error.message) for error in checked]
    if errors:
        raise EvidenceBatchError(sorted(errors, key=lambda error: error.index))
    scores = dict(zip(todo, checked_scores, strict=True))
    fresh = [index for index in todo if index not in olds]
    changed = [(index, olds[index]) for index in todo if index in olds]
    times = dict(zip(fresh, _times([rows[index] for index in fresh]), strict=True))
    user = actor if isinstance(actor, User) and actor.is_authenticated else None
    _insert(rows, fresh, scores, times, user)
    if changed:
        _update(rows, changed, scores)
    pairs = tuple(
        dict.fromkeys(
            (rows[index].student_id, rows[index].target_id)
            for index in [*fresh, *(index for index, _ in changed)]
        )
    )
    sources = {rows[index].source for index in fresh} | {rows[i].source for i, _ in changed}
    source = sources.pop() if len(sources) == 1 else ("mixed" if sources else "")
    _audit(
        actor,
        AuditAction.CREATE,
        {
            "created": len(fresh),
            "updated": len(changed),
            "skipped": skipped,
            "source": source,
            "student_ids": sorted({student_id for student_id, _ in pairs}),
            **(audit_detail or {}),
        },
    )
    if pairs and publish_event:
        events.publish_on_commit(
            EvidenceRecordedMany(pairs=pairs, count=len(fresh) + len(changed), source=source)
        )
    return RecordedMany(created=len(fresh), updated=len(changed), skipped=skipped, pairs=pairs)


def _compared(row: EvidenceRow, score: Decimal | None) -> tuple[Any, ...]:
    """What a re-sent row says, as `_stored` reads a stored one."""
    return (score, row.observed_at, str(row.kind), row.dok, row.comment, row.assessment_id)


def _insert(
    rows: Sequence[EvidenceRow],
    fresh: list[int],
    scores: dict[int, Decimal | None],
    times: dict[int, Any],
    user: User | None,
) -> None:
    if not fresh:
        return
    now = db_datetime(timezone.now())
    person = user.pk if user is not None else None

    def entered(index: int, row: EvidenceRow) -> Any:
        if row.recorded_at is None or user is not None:
            return now
        return times[index] if row.recorded_at == row.observed_at else db_datetime(row.recorded_at)

    def values() -> Iterator[tuple[Any, ...]]:
        for index in fresh:
            row = rows[index]
            yield (
                row.student_id,
                row.target_id,
                scores[index],
                times[index],
                str(row.kind),
                row.dok,
                str(row.source),
                row.source_id,
                row.assessment_id,
                person if user is not None else row.recorded_by_id,
                entered(index, row),
                row.comment,
            )

    bulk_insert(Evidence, EVIDENCE_COLUMNS, values(), batch_size=IN_CHUNK)


def _update(
    rows: Sequence[EvidenceRow],
    changed: list[tuple[int, _Stored]],
    scores: dict[int, Decimal | None],
) -> None:
    """Rows re-sent with other values: few, so model instances are fine here."""
    Evidence.objects.bulk_update(
        [
            Evidence(
                pk=old.pk,
                score=cast(Decimal, scores[index]),
                observed_at=rows[index].observed_at,
                kind=str(rows[index].kind),
                dok=rows[index].dok,
                comment=rows[index].comment,
                assessment_id=rows[index].assessment_id,
            )
            for index, old in changed
        ],
        ["score", "observed_at", "kind", "dok", "comment", "assessment"],
        batch_size=500,
    )


def _audit(actor: Actor | SystemActor, action: AuditAction, detail: dict[str, Any]) -> None:
    """One entry for the whole batch (the students it touched in its detail)."""
    if isinstance(actor, SystemActor):
        detail = {"system": actor.name, "district": actor.district_id, **detail}
    audit_record_batch(
        actor=actor if isinstance(actor, User) else None,
        action=action,
        model=Evidence,
        detail=detail,
    )


@transaction.atomic
def evidence_void_many(
    *, actor: Actor | SystemActor, evidence_ids: Sequence[int], reason: str
) -> int:
    """Void every listed entry, or none: raises `EvidenceBatchError` for entries the actor
    may not change or that are void already. One audit entry, one `EvidenceVoidedMany`."""
    reason = reason.strip()
    if not reason:
        raise EvidenceError(EvidenceErrorCode.REASON_REQUIRED, "Say why the entries are void.")
    found: dict[int, tuple[int, int, bool]] = {}
    reachable = students_scorable_by(actor)
    for chunk in chunked(evidence_ids):
        for pk, student_id, target_id, is_voided in (
            Evidence.objects.select_for_update()
            .filter(pk__in=chunk, student__in=reachable)
            .values_list("pk", "student_id", "target_id", "is_voided")
        ):
            found[pk] = (student_id, target_id, is_voided)
    errors = []
    for index, pk in enumerate(evidence_ids):
        if pk not in found:
            errors.append(RowError(index, "evidence", "No such evidence."))
        elif found[pk][2]:
            errors.append(RowError(index, "evidence", "This evidence is already void."))
    if errors:
        raise EvidenceBatchError(errors)
    user = actor if isinstance(actor, User) and actor.is_authenticated else None
    now = timezone.now()
    for chunk in chunked(evidence_ids):
        Evidence.objects.filter(pk__in=chunk).update(
            is_voided=True, voided_reason=reason, voided_by=user, voided_at=now
        )
    pairs = tuple(dict.fromkeys((found[pk][0], found[pk][1]) for pk in evidence_ids))
    _audit(
        actor,
        AuditAction.VOID,
        {
            "voided": len(evidence_ids),
            "reason": reason,
            "student_ids": sorted({student_id for student_id, _ in pairs}),
        },
    )
    if pairs:
        events.publish_on_commit(EvidenceVoidedMany(pairs=pairs, count=len(evidence_ids)))
    return len(evidence_ids)
