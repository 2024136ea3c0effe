"""The gradebook part of a OneRoster import: results per learning objective become evidence.

A result names its learning objectives in `resultLearningObjectiveIds.csv` (with a score each),
or through its line item's `lineItemLearningObjectiveIds.csv` (with the result's score). Each
(result, objective) becomes one evidence row on the target with that CASE identifier or code,
visible in the district; its line item becomes an assessment of the class. Every row goes to
`evidence_record_many` in one batch, which checks it, writes it in bulk and has mastery
recomputed once for the pairs it touched. Rows are idempotent: the evidence source id is
`d<district>:<result sourcedId>:<target CASE id or code>`, and a result the project exported
itself (`mp-evidence-<id>` of this district) is that evidence already.

Queries: a fixed number per chunk of keys (`common.bulk.IN_CHUNK`), whatever the row count.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from datetime import datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple, Protocol

from django.db.models import Q
from django.utils import timezone

from masterypath.accounts.actors import Actor, SystemActor
from masterypath.accounts.models import User
from masterypath.common.bulk import IN_CHUNK, chunked, rows_in
from masterypath.continuum.access import targets_visible_in_district
from masterypath.evidence.models import Assessment, Evidence, EvidenceKind, EvidenceSource
from masterypath.evidence.services import EvidenceBatchError, EvidenceRow, evidence_record_many
from masterypath.evidence.services.writes import assessment_rows_insert, assessment_targets_add_many
from masterypath.interop.oneroster.errors import Issue
from masterypath.interop.oneroster.ids import own_export_pk
from masterypath.interop.oneroster.reader import Bundle, Row
from masterypath.roster.models import Section, Student
from masterypath.schools.models import District

GRADED = {"fully graded", "partially graded"}
ASSESSMENT_COLUMNS = ("section", "title", "kind", "assessed_on", "source", "source_id")
# Which CSV column a field refused by evidence_record_many came from.
COLUMN_OF = {
    "student": "studentSourcedId",
    "target": "learningObjectiveId",
    "score": "score",
    "observed_at": "scoreDate",
    "source_id": "sourcedId",
}


class GradebookContext(Protocol):
    """What the gradebook needs from the import it is part of."""

    bundle: Bundle
    district: District
    actor: Actor | SystemActor | None
    student_map: dict[str, Student]
    section_map: dict[str, Section]
    counts: Counter[str]
    issues: list[Issue]
    refused: dict[str, dict[str, tuple[int, str]]]

    def error(self, file: str, row: Row | None, column: str, message: str) -> None: ...

    def missing(
        self, file: str, row: Row, column: str, target: str, noun: str, source_id: str
    ) -> None: ...

    def warn(self, file: str, row: Row | None, column: str, message: str) -> None: ...

    def date(self, file: str, row: Row, column: str, *, required: bool) -> dt.date | None: ...

    def step(self, rows: int, message: str) -> None: ...


class _Wanted(NamedTuple):
    """One (result, objective): where it was read, what it scores (`source` lower-cased)."""

    file: str
    row: Row
    source: str
    objective: str
    score: str
    result: Row
    result_id: str


def _split(raw: str) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def gradebook_import(ctx: GradebookContext) -> None:
    """Record the bundle's results as evidence; errors go to `ctx.error`. It runs even when
    the roster had problems (so that one pass reports them all): the caller,
    `oneroster_bundle_import`, then raises and its transaction rolls everything back."""
    bundle = ctx.bundle
    if not bundle.rows("results"):
        return
    file = "results.csv"
    line_items = {r.get("sourcedId"): r for r in bundle.rows("lineItems")}
    categories = {r.get("sourcedId"): r.get("title").lower() for r in bundle.rows("categories")}
    results = _known_results(ctx, line_items)
    all_result_ids = {r.values.get("sourcedId", "") for r in bundle.rows("results")}
    wanted: list[_Wanted] = []
    objective_rows = bundle.rows("resultLearningObjectiveIds")
    for orow in objective_rows:
        values = orow.values
        result_id = values.get("resultSourcedId", "")
        result = results.get(result_id)
        if result is None:
            if result_id not in all_result_ids:
                ctx.error(
                    "resultLearningObjectiveIds.csv",
                    orow,
                    "resultSourcedId",
                    f"Result {result_id!r} is not in results.csv.",
                )
            continue
        wanted.append(
            _Wanted(
                "resultLearningObjectiveIds.csv",
                orow,
                values.get("source", "").lower(),
                values.get("learningObjectiveId", ""),
                values.get("score", ""),
                result,
                result_id,
            )
        )
    by_line: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for lrow in bundle.rows("lineItemLearningObjectiveIds"):
        for objective in _split(lrow.get("learningObjectiveIds")):
            by_line[lrow.get("lineItemSourcedId")].append((lrow.get("source"), objective))
    with_objectives = {orow.values.get("resultSourcedId", "") for orow in objective_rows}
    for result_id, result in results.items():
        if result_id not in with_objectives:
            for source, objective in by_line.get(result.get("lineItemSourcedId"), []):
                wanted.append(
                    _Wanted(
                        file,
                        result,
                        source.lower(),
                        objective,
                        result.get("score"),
                        result,
                        result_id,
                    )
                )
    own = _own_evidence(ctx.district, {w.result_id for w in wanted})
    targets = _targets(ctx.district, {(w.source, w.objective) for w in wanted})
    assessments = _Assessments(ctx, line_items, categories)
    pending: list[tuple[_Wanted, int, tuple[int, str], Decimal, datetime, str]] = []
    seen: set[str] = set()
    skipped = 0
    noon: dict[dt.date, datetime] = {}
    prefix = f"d{ctx.district.pk}:"
    # An import repeats few distinct scores and dates: parse each once.
    numbers: dict[str, Decimal] = {}
    needed: set[str] = set()
    days: dict[str, dt.date] = {}
    for item in wanted:
        result = item.result
        values = result.values
        if values.get("scoreStatus", "").lower() not in GRADED:
            skipped += 1
            continue
        target = targets.get((item.source, item.objective))
        if target is None:
            kind = "CASE identifier" if item.source == "case" else "code"
            ctx.error(
                item.file,
                item.row,
                "learningObjectiveId",
                f"No learning target has the {kind} {item.objective!r}.",
            )
            continue
        score = numbers.get(item.score)
        if score is None:
            try:
                score = numbers[item.score] = Decimal(item.score)
            except InvalidOperation:
                ctx.error(item.file, item.row, "score", f"{item.score!r} is not a number.")
                continue
        line_item = line_items[values["lineItemSourcedId"]]
        raw_day = values.get("scoreDate", "")
        when = days.get(raw_day)
        if when is None:
            when = ctx.date(file, result, "scoreDate", required=False)
            if when is not None:
                days[raw_day] = when
            else:
                when = ctx.date("lineItems.csv", line_item, "dueDate", required=False)
        if when is None:
            ctx.error(
                file,
                result,
                "scoreDate",
                "scoreDate (or the line item's dueDate) is required for evidence.",
            )
            continue
        result_id = item.result_id
        student_id = ctx.student_map[values["studentSourcedId"]].pk
        if own and own.get(result_id) == (student_id, target[0]):
            continue  # the project's own export of this very evidence
        # Scoped by district: two districts may import the same bundle.
        source_id = f"{prefix}{result_id}:{target[1]}"[:255]
        if source_id in seen:
            continue
        seen.add(source_id)
        if when not in noon:
            noon[when] = timezone.make_aware(datetime.combine(when, time(12)))
        if values["lineItemSourcedId"] not in needed:
            needed.add(values["lineItemSourcedId"])
            assessments.need(line_item, when)
        pending.append((item, student_id, target, score, noon[when], source_id))
    # Written even when problems were found, so that the scores are checked (on their
    # targets' scales) in the same pass: the import then raises and rolls all of it back.
    assessments.create()
    rows = []
    for item, student_id, target, score, observed_at, source_id in pending:
        assessment_id, kind = assessments.of(item.result.get("lineItemSourcedId"))
        rows.append(
            EvidenceRow(
                student_id=student_id,
                target_id=target[0],
                score=score,
                observed_at=observed_at,
                kind=kind,
                source=EvidenceSource.ONEROSTER.value,
                source_id=source_id,
                assessment_id=assessment_id,
                comment=item.result.get("comment"),
            )
        )
    try:
        recorded = evidence_record_many(
            actor=_recorder(ctx), rows=rows, audit_detail={"format": "oneroster"}
        )
    except EvidenceBatchError as error:
        for refused in error.errors:
            item = pending[refused.index][0]
            column = COLUMN_OF.get(refused.field, "")
            if column in {"score", "learningObjectiveId"}:
                ctx.error(item.file, item.row, column, refused.message)
            else:
                ctx.error(file, item.result, column, refused.message)
        return
    assessments.measure({(row.assessment_id, row.target_id) for row in rows})
    ctx.counts["evidence created"] += recorded.created
    ctx.counts["evidence updated"] += recorded.updated
    if skipped:
        ctx.warn(
            file,
            None,
            "scoreStatus",
            f"{skipped} result(s) not fully or partially graded were skipped.",
        )
    ctx.step(len(bundle.rows("results")), "Gradebook results")


def _recorder(ctx: GradebookContext) -> User | SystemActor:
    """Who records: the person who started the import, else the district's system actor."""
    actor = ctx.actor
    if isinstance(actor, User) and actor.is_authenticated:
        return actor
    return SystemActor(district_id=ctx.district.pk, name="OneRoster import")


def _known_results(ctx: GradebookContext, line_items: dict[str, Row]) -> dict[str, Row]:
    """Results whose line item and student are known, by sourcedId; errors for the others."""
    results = {}
    students = ctx.student_map
    for row in ctx.bundle.rows("results"):
        values = row.values
        line_item = values.get("lineItemSourcedId", "")
        student = values.get("studentSourcedId", "")
        if line_item not in line_items:
            if not line_item or line_item in ctx.refused.get("lineItems.csv", {}):
                ctx.missing(
                    "results.csv", row, "lineItemSourcedId", "lineItems.csv", "Line item", line_item
                )
            else:
                ctx.error(
                    "results.csv",
                    row,
                    "lineItemSourcedId",
                    f"Line item {line_item!r} is not in lineItems.csv.",
                )
        elif student not in students:
            if not student or student in ctx.refused.get("users.csv", {}):
                ctx.missing("results.csv", row, "studentSourcedId", "users.csv", "Student", student)
            else:
                ctx.error(
                    "results.csv",
                    row,
                    "studentSourcedId",
                    f"Student {student!r} is not a known student.",
                )
        else:
            results[values.get("sourcedId", "")] = row
    return results


def _own_evidence(district: District, result_ids: set[str]) -> dict[str, tuple[int, int]]:
    """Results the project exported itself (`mp-evidence-<id>`) with the (student, target) of
    the evidence of this district they name: re-importing the export must add nothing.
    Evidence that came from a OneRoster import is exported under its own result id, so an
    `mp-` id never names it; one read of the district's other evidence finds the rest."""
    named = {
        pk: sid
        for sid in result_ids
        if sid.startswith("mp-evidence-") and (pk := own_export_pk(sid, "evidence")) is not None
    }
    if not named:
        return {}
    authored = Evidence.objects.filter(student__district=district).exclude(
        source=EvidenceSource.ONEROSTER, source_id__startswith=f"d{district.pk}:"
    )
    return {
        named[pk]: (student_id, target_id)
        for pk, student_id, target_id in authored.values_list("pk", "student_id", "target_id")
        .order_by()
        .iterator(chunk_size=IN_CHUNK)
        if pk in named
    }


def _targets(district: District, wanted: set[tuple[str, str]]) -> dict[tuple[str, str], Any]:
    """(source, objective) -> (target id, CASE id or code) of the targets visible in the
    district: by CASE identifier (any case) for source `case`, else by code."""
    visible = targets_visible_in_district(district.pk)
    uuids = sorted({objective.lower() for source, objective in wanted if source == "case"})
    codes = sorted({objective for source, objective in wanted if source != "case"})
    by_uuid: dict[str, tuple[int, str]] = {}
    for chunk in chunked(uuids):
        for pk, case_uuid, code in visible.filter(case_uuid__in=chunk).values_list(
            "pk", "case_uuid", "code"
        ):
            by_uuid[case_uuid.lower()] = (pk, case_uuid or code)
    by_code: dict[str, tuple[int, str]] = {}
    for chunk in chunked(codes):
        for pk, case_uuid, code in visible.filter(code__in=chunk).values_list(
            "pk", "case_uuid", "code"
        ):
            by_code[code] = (pk, case_uuid or code)
    found: dict[tuple[str, str], Any] = {}
    for source, objective in wanted:
        target = by_uuid.get(objective.lower()) if source == "case" else by_code.get(objective)
        if target is not None:
            found[(source, objective)] = target
    return found


def kind_of_category(title: str) -> EvidenceKind:
    """The kind of evidence a gradebook category names: one of ours by its name or label
    ("Summative", "exit_ticket", as our export writes them), a test or exam as summative,
    anything else formative."""
    lowered = title.strip().lower()
    for kind in EvidenceKind:
        if lowered in {kind.value, str(kind.label).lower()}:
            return kind
    if any(word in lowered for word in ("summative", "test", "exam")):
        return EvidenceKind.SUMMATIVE
    return EvidenceKind.FORMATIVE


class _Assessments:
    """The assessment of each line item: found in the district (by its sourcedId, or the
    project's own `mp-assessment-<id>`), else created once, in bulk, with its targets."""

    def __init__(
        self, ctx: GradebookContext, line_items: dict[str, Row], categories: dict[str, str]
    ) -> None:
        self.ctx = ctx
        self.line_items = line_items
        self.categories = categories
        self.known: dict[str, tuple[int, str]] = {}  # line item sourcedId -> (pk, kind)
        self.new: dict[str, tuple[Any, ...]] = {}  # line item sourcedId -> ASSESSMENT_COLUMNS
        self._load()

    def _load(self) -> None:
        district = self.ctx.district
        sids = sorted(self.line_items)
        in_district = Q(section__school__district=district) | Q(
            section__isnull=True, evidence__student__district=district
        )
        for chunk in chunked(sids):
            for pk, source_id, kind in (
                Assessment.objects.filter(in_district, source=EvidenceSource.ONEROSTER)
                .filter(source_id__in=chunk)
                .values_list("pk", "source_id", "kind")
                .distinct()
                .order_by()
            ):
                self.known[source_id] = (pk, kind)
        own = {key: sid for sid in sids if (key := own_export_pk(sid, "assessment")) is not None}
        for pks in chunked(list(own)):
            for own_pk, own_kind in (
                Assessment.objects.filter(pk__in=pks, section__school__district=district)
                .values_list("pk", "kind")
                .order_by()
            ):
                self.known.setdefault(own[own_pk], (own_pk, own_kind))

    def need(self, line_item: Row, when: dt.date) -> None:
        """Note that evidence of `line_item` (scored on `when`) is coming."""
        source_id = line_item.get("sourcedId")
        if source_id in self.known or source_id in self.new:
            return
        kind = kind_of_category(self.categories.get(line_item.get("categorySourcedId"), ""))
        section = self.ctx.section_map.get(line_item.get("classSourcedId"))
        self.new[source_id] = (
            section.pk if section is not None else None,
            (line_item.get("title") or source_id)[:255],
            kind.value,
            self.ctx.date("lineItems.csv", line_item, "dueDate", required=False) or when,
            EvidenceSource.ONEROSTER.value,
            source_id,
        )

    def create(self) -> None:
        """Write the new assessments in one bulk insert, then read their ids back (by their
        sourcedIds and the moment they were written)."""
        if not self.new:
            return
        actor = self.ctx.actor
        created_by = actor.pk if isinstance(actor, User) and actor.is_authenticated else None
        now = assessment_rows_insert(
            columns=ASSESSMENT_COLUMNS, rows=list(self.new.values()), created_by_id=created_by
        )
        written = Assessment.objects.filter(source=EvidenceSource.ONEROSTER, created_at=now)
        for pk, source_id, kind in rows_in(
            written, "source_id", list(self.new), "pk", "source_id", "kind"
        ):
            self.known[source_id] = (pk, kind)
        self.new = {}

    def of(self, source_id: str) -> tuple[int, str]:
        """(assessment id, evidence kind) of a line item, after `create`."""
        return self.known[source_id]

    def measure(self, pairs: set[tuple[int | None, int]]) -> None:
        """Each assessment measures the targets its evidence scores (what the scoring grid
        shows): add the (assessment, target) links missing."""
        through = Assessment.targets.through
        wanted = {(a, t) for a, t in pairs if a is not None}
        present: set[tuple[int, int]] = set()
        for chunk in chunked(sorted({a for a, _ in wanted})):
            present.update(
                through.objects.filter(assessment_id__in=chunk)
                .values_list("assessment_id", "learningtarget_id")
                .order_by()
            )
        assessment_targets_add_many(pairs=sorted(wanted - present))
