"""Writes of mastery: the O(1) update on new evidence, full recomputes, overrides."""

from __future__ import annotations

import calendar
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, cast

import polars as pl
from django.db import transaction
from django.utils import timezone

from masterypath.accounts.actors import Actor
from masterypath.common import events
from masterypath.common.audit import audit_record
from masterypath.common.bulk import (
    IN_CHUNK,
    bulk_insert,
    chunked,
    db_datetime,
    db_datetimes,
    rows_in,
)
from masterypath.common.event_types import MasteryRecomputed, Pair
from masterypath.common.models import AuditAction
from masterypath.continuum.models import Framework, LearningTarget
from masterypath.engine import mastery as engine
from masterypath.engine.bkt import UNLEARNED_FLOOR, BktModel, BktParams, BktSkillFit, bkt_fit
from masterypath.engine.continuum import placement_of_counts, placements_from_estimates
from masterypath.engine.levels import proficient_expr
from masterypath.evidence.models import Evidence, EvidenceKind
from masterypath.jobs.services import job_enqueue
from masterypath.mastery.config import PolicyBook, TargetScale, targets_with_scales
from masterypath.mastery.errors import MasteryError, MasteryErrorCode
from masterypath.mastery.layout import ContinuumLayout, TargetPlace, continuum_layout
from masterypath.mastery.models import (
    BktFit,
    EstimateStatus,
    MasteryEstimate,
    MasteryOverride,
    MasteryPolicy,
    Placement,
)
from masterypath.mastery.selectors import counted_evidence, evidence_frame
from masterypath.roster.access import active_user, administers_district, can_record_evidence_for
from masterypath.roster.models import Student
from masterypath.schools.models import District

Progress = Callable[[str, int, int], None]
RECOMPUTE_JOB = "mastery.recompute"  # handled in mastery.tasks


def _bkt_params(district_id: int, target_id: int) -> BktParams | None:
    fit = BktFit.objects.filter(district_id=district_id, target_id=target_id).first()
    if fit is None:
        return None
    return BktParams(
        prior=fit.prior, learn=fit.learn, guess=fit.guess, slip=fit.slip, forget=fit.forget
    )


def _config_of(place: TargetPlace, scale: TargetScale, district_id: int) -> engine.MasteryConfig:
    """The target's effective config (one query for the policies, one more for BKT)."""
    config = PolicyBook(district_id=district_id).config_of(
        target_id=place.target_id, framework_id=place.framework_id, scale=scale
    )
    if config.method == engine.Method.BKT:
        params = _bkt_params(district_id, place.target_id)
        if params is not None:
            config = engine.MasteryConfig(**{**_fields(config), "bkt": params})
    return config


def _fields(config: engine.MasteryConfig) -> dict[str, Any]:
    return {name: getattr(config, name) for name in config.__dataclass_fields__}


def _is_resumable(config: engine.MasteryConfig) -> bool:
    """Recursive methods with unit weights can continue from stored state in O(1)."""
    return (
        config.method in engine.RECURSIVE_METHODS
        and not config.kind_weights
        and not config.dok_weights
    )


def _latest_override(student_id: int, target_id: int) -> MasteryOverride | None:
    return MasteryOverride.objects.filter(student_id=student_id, target_id=target_id).first()


def _store(
    student_id: int,
    target_id: int,
    config: engine.MasteryConfig,
    values: dict[str, Any],
    estimate: MasteryEstimate | None,
) -> MasteryEstimate:
    """Write the pair's estimate: an UPDATE of the row already read, else an upsert."""
    values = {"method": config.method, "computed_at": timezone.now(), **values}
    if estimate is None:
        # An upsert: one statement, and safe when another process stored the pair meanwhile.
        estimate = MasteryEstimate(student_id=student_id, target_id=target_id, **values)
        MasteryEstimate.objects.bulk_create(
            [estimate],
            update_conflicts=True,
            unique_fields=["student", "target"],
            update_fields=list(values),
        )
        return estimate
    for name, value in values.items():
        setattr(estimate, name, value)
    estimate.save(update_fields=list(values))
    return estimate


def mastery_refresh_pair(*, student_id: int, target_id: int) -> MasteryEstimate:
    """Recompute one (student, target) from all of its counted evidence."""
    layout = continuum_layout()
    place = layout.place(target_id)
    district_id = Student.objects.filter(pk=student_id).values_list("district_id", flat=True).get()
    config = _config_of(place, layout.scale(place.scale_id), district_id)
    return _refresh_pair(student_id, target_id, config, None)


def _refresh_pair(
    student_id: int,
    target_id: int,
    config: engine.MasteryConfig,
    estimate: MasteryEstimate | None,
) -> MasteryEstimate:
    """The pair from all of its counted evidence and the latest judgement (two reads), written
    over `estimate` when the caller has read it already."""
    rows = list(
        counted_evidence()
        .filter(student_id=student_id, target_id=target_id)
        .order_by("observed_at", "id")
        .values_list("score", "kind", "dok", "observed_at")
    )
    scores = [float(score) for score, _, _, _ in rows]
    override = _latest_override(student_id, target_id)
    explanation = engine.explain(
        config.method,
        scores,
        kinds=[k for _, k, _, _ in rows],
        doks=[d for _, _, d, _ in rows],
        observed_at=[at for _, _, _, at in rows],
        override=engine.Override(float(override.value), override.set_at) if override else None,
        config=config,
    )
    state_value = state_weight = None
    if _is_resumable(config) and rows:
        state = engine.initial_state(config.method)
        for score in scores:
            state = engine.update(state, score, config=config)
        state_value, state_weight = state.value, state.total_weight
    p_next = None
    if config.method == engine.Method.BKT and explanation.value is not None:
        from masterypath.engine.bkt import bkt_p_correct, bkt_transition

        p_next = bkt_p_correct(bkt_transition(explanation.value, config.bkt), config.bkt)
    return _store(
        student_id,
        target_id,
        config,
        {
            "value": explanation.value,
            "status": explanation.status.value,
            "evidence_count": sum(1 for use in explanation.evidence if use.weight > 0),
            "last_observed_at": rows[-1][3] if rows else None,
            "p_correct_next": p_next,
            "state_value": state_value,
            "state_weight": state_weight,
        },
        estimate,
    )


def _standing(estimate: MasteryEstimate | None, scale: TargetScale) -> tuple[bool, bool]:
    """What a placement reads of an estimate: whether it has a value, whether proficient."""
    if estimate is None or estimate.value is None:
        return False, False
    return True, scale.is_proficient(estimate.value, estimate.method)


@transaction.atomic
def mastery_update_for_evidence(*, evidence_id: int) -> MasteryEstimate | None:
    """Fold one new evidence row into its estimate in O(1) when the method allows it, else
    recompute the pair; then bring today's placement in the target's domain up to date,
    which is a single read unless the estimate crossed into or out of proficiency (or today
    has no placement yet). A student's self-assessment changes nothing and returns the pair's
    estimate, or None before any.

    Queries, one score on a pair that has an estimate: the evidence, the continuum revision,
    the policies, the estimate, its update, today's placement; with a new level of the
    placement, the domain's estimates and the placement's write. The continuum's layout is
    held in memory (`mastery.layout`).
    """
    evidence = Evidence.objects.select_related("student").get(pk=evidence_id)
    estimate = MasteryEstimate.objects.filter(
        student_id=evidence.student_id, target_id=evidence.target_id
    ).first()
    if evidence.kind == EvidenceKind.SELF_ASSESSMENT:
        return estimate  # a student's self-assessment is kept apart from mastery
    layout = continuum_layout()
    place = layout.place(evidence.target_id)
    scale = layout.scale(place.scale_id)
    config = _config_of(place, scale, evidence.student.district_id)
    before = _standing(estimate, scale)
    # Fold in O(1) only evidence that is newer than the estimate's last row and that the
    # estimate cannot have seen yet (it was computed before the evidence was recorded).
    in_order = (
        estimate is not None
        and estimate.last_observed_at is not None
        and evidence.observed_at >= estimate.last_observed_at
        and estimate.computed_at < evidence.recorded_at
    )
    if (
        not evidence.is_voided
        and estimate is not None
        and in_order
        and estimate.method == config.method
        and estimate.state_value is not None
        and _is_resumable(config)
    ):
        state = engine.MasteryState(
            config.method,
            estimate.evidence_count,
            estimate.state_value,
            estimate.state_weight or 0.0,
        )
        state = engine.update(state, float(evidence.score), config=config)
        estimate.value = engine.state_value(state, config=config)
        estimate.status = (
            EstimateStatus.ESTIMATED if estimate.value is not None else EstimateStatus.INSUFFICIENT
        )
        estimate.evidence_count = state.count
        estimate.last_observed_at = evidence.observed_at
        estimate.state_value, estimate.state_weight = state.value, state.total_weight
        estimate.computed_at = timezone.now()
        estimate.save(update_fields=ESTIMATE_STATE_FIELDS)
    else:
        estimate = _refresh_pair(evidence.student_id, evidence.target_id, config, estimate)
    _placement_follow(
        student_id=evidence.student_id,
        domain_id=place.domain_id,
        on=timezone.localdate(),
        layout=layout,
        is_changed=place.is_top and before != _standing(estimate, scale),
    )
    return estimate


ESTIMATE_STATE_FIELDS = [
    "value",
    "status",
    "evidence_count",
    "last_observed_at",
    "state_value",
    "state_weight",
    "computed_at",
]


def placement_level(target: LearningTarget) -> float:
    """The level a target completes: the end of its band (a K-2 target completes level 2)."""
    return float(target.level_high if target.level_high is not None else target.level)


def _level_totals(domain_ids: list[int]) -> pl.DataFrame:
    """How many placement targets (top-level, not retired) each level of each domain has."""
    rows = LearningTarget.objects.filter(
        competency__domain_id__in=domain_ids, parent__isnull=True, is_retired=False
    ).values_list("competency__domain_id", "level", "level_high")
    frame = pl.DataFrame(
        [(d, float(high if high is not None else low)) for d, low, high in rows],
        schema={"domain_id": pl.Int64, "level": pl.Float64},
        orient="row",
    )
    return frame.group_by("domain_id", "level").agg(pl.len().alias("n_targets"))


def placement_refresh(*, student_id: int, domain_id: int, on: date) -> Placement | None:
    """Place the student on the domain's continuum from current estimates (stored for `on`)."""
    with transaction.atomic():
        return _placement_write(student_id, domain_id, on, continuum_layout(), None, known=False)


def _placement_follow(
    *, student_id: int, domain_id: int, on: date, layout: ContinuumLayout, is_changed: bool
) -> Placement | None:
    """Today's placement after one estimate changed: kept as stored when that estimate did
    not change what placement reads of it (`_standing`), else placed again from counts."""
    stored = Placement.objects.filter(
        student_id=student_id, domain_id=domain_id, placed_on=on
    ).first()
    if stored is not None and not is_changed:
        return stored
    return _placement_write(student_id, domain_id, on, layout, stored, known=True)


def _placement_write(
    student_id: int,
    domain_id: int,
    on: date,
    layout: ContinuumLayout,
    stored: Placement | None,
    *,
    known: bool,
) -> Placement | None:
    """Count the student's assessed and proficient top-level targets per level (one read of
    the domain's estimates), place (`engine.continuum.placement_of_counts`, the rule of the
    batch placement) and write only what changed. `known`: `stored` is what the table holds
    for `on` (None: nothing); else it is read by the upsert."""
    domain = layout.domain(domain_id)
    counts: dict[float, tuple[int, int]] = {}
    rows = MasteryEstimate.objects.filter(
        student_id=student_id, target__competency__domain_id=domain_id, value__isnull=False
    ).values_list("target_id", "value", "method")
    for target_id, value, method in rows:
        place = domain.places.get(target_id)
        if place is None or not place.is_top:
            continue
        n_assessed, n_proficient = counts.get(place.level, (0, 0))
        is_proficient = layout.scale(place.scale_id).is_proficient(value, method)
        counts[place.level] = (n_assessed + 1, n_proficient + int(is_proficient))
    result = placement_of_counts(counts, domain.totals)
    if result is None:
        if stored is not None or not known:
            Placement.objects.filter(
                student_id=student_id, domain_id=domain_id, placed_on=on
            ).delete()
        return None
    completed, level = result
    if stored is not None:
        if (stored.completed, stored.level) != (completed, level):
            stored.completed, stored.level = completed, level
            stored.save(update_fields=["completed", "level"])
        return stored
    placement = Placement(
        student_id=student_id, domain_id=domain_id, placed_on=on, completed=completed, level=level
    )
    # An upsert: one statement, and safe when another process placed the student meanwhile.
    Placement.objects.bulk_create(
        [placement],
        update_conflicts=True,
        unique_fields=["student", "domain", "placed_on"],
        update_fields=["completed", "level"],
    )
    return placement


# -- batch refresh: the pairs a batch of evidence touched ------------------------------------


@dataclass(frozen=True, slots=True)
class PairsRefreshed:
    """What `mastery_refresh_pairs` wrote."""

    pairs: int
    estimates: int
    placements: int


def _bkt_model(district_id: int, target_ids: list[int]) -> BktModel:
    """The district's fitted BKT parameters of these targets (defaults for the others)."""
    skills: dict[Hashable, BktSkillFit] = {}
    for chunk in chunked(target_ids):
        for fit in BktFit.objects.filter(district_id=district_id, target_id__in=chunk):
            params = BktParams(
                prior=fit.prior, learn=fit.learn, guess=fit.guess, slip=fit.slip, forget=fit.forget
            )
            skills[fit.target_id] = BktSkillFit(params, fit.n_rows, 0, fit.is_default, 0, None)
    return BktModel(skills=skills)


def _pair_frame(pairs: Iterable[Pair]) -> pl.DataFrame:
    return pl.DataFrame(
        list(pairs), schema={"student_id": pl.Int64, "target_id": pl.Int64}, orient="row"
    ).unique()


@transaction.atomic
def mastery_refresh_pairs(*, pairs: Iterable[Pair], on: date) -> PairsRefreshed:
    """Recompute the estimates of these (student, target) pairs from all of their counted
    evidence, as one frame through the engine per district, then the placements on `on` of
    the affected students in the affected domains; everything written in bulk.

    Queries: a fixed number per district, plus one per IN_CHUNK students, targets or rows.
    """
    wanted = _pair_frame(pairs)
    if wanted.height == 0:
        return PairsRefreshed(0, 0, 0)
    district_of: dict[int, int] = {}
    for chunk in chunked(wanted.get_column("student_id").unique().to_list()):
        district_of.update(Student.objects.filter(pk__in=chunk).values_list("pk", "district_id"))
    wanted = wanted.filter(pl.col("student_id").is_in(list(district_of)))
    wanted = wanted.with_columns(
        pl.col("student_id").replace_strict(district_of, return_dtype=pl.Int64).alias("district")
    )
    estimates = placed = 0
    for (district_id,), part in wanted.partition_by("district", as_dict=True).items():
        done = _refresh_district(int(cast(int, district_id)), part.drop("district"), on)
        estimates += done[0]
        placed += done[1]
    return PairsRefreshed(wanted.height, estimates, placed)


def _refresh_district(district_id: int, wanted: pl.DataFrame, on: date) -> tuple[int, int]:
    student_ids = wanted.get_column("student_id").unique().sort().to_list()
    target_ids = wanted.get_column("target_id").unique().sort().to_list()
    targets: dict[int, LearningTarget] = {}
    for chunk in chunked(target_ids):
        targets.update(targets_with_scales(chunk))
    book = PolicyBook(district_id=district_id)
    configs = {target_id: book.config_for(target) for target_id, target in targets.items()}
    bkt_ids = [t for t, config in configs.items() if config.method == engine.Method.BKT]
    bkt_model = _bkt_model(district_id, bkt_ids) if bkt_ids else None
    # Filter on the targets too when their list is short enough to share the statement.
    by_target = len(target_ids) <= IN_CHUNK
    frames, overrides = [], []
    for chunk in chunked(student_ids):
        evidence = counted_evidence().filter(student_id__in=chunk)
        stated = MasteryOverride.objects.filter(student_id__in=chunk)
        if by_target:
            evidence = evidence.filter(target_id__in=target_ids)
            stated = stated.filter(target_id__in=target_ids)
        frames.append(
            evidence_frame(evidence.order_by("student_id", "target_id", "observed_at", "id"))
        )
        overrides += [
            (o.student_id, o.target_id, float(o.value), o.set_at)
            for o in stated.only("student_id", "target_id", "value", "set_at")
        ]
    frame = pl.concat(frames).join(wanted, on=["student_id", "target_id"], how="semi")
    override_frame = pl.DataFrame(
        overrides,
        schema={
            "student_id": pl.Int64,
            "target_id": pl.Int64,
            "value": pl.Float64,
            "set_at": pl.Datetime("us", "UTC"),
        },
        orient="row",
    ).join(wanted, on=["student_id", "target_id"], how="semi")
    parts = []
    for config, ids in _group_configs(configs).values():
        part = frame.filter(pl.col("target_id").is_in(ids))
        stated_part = override_frame.filter(pl.col("target_id").is_in(ids))
        if part.height or stated_part.height:
            result = engine.estimate(
                part, config=config, overrides=stated_part, bkt_model=bkt_model
            )
            parts.append(result.with_columns(pl.lit(config.method).alias("method")))
    current = pl.concat(parts, how="diagonal_relaxed") if parts else pl.DataFrame()
    # Pairs left without counted evidence or judgement lose their estimate, as in a recompute.
    stale = []
    for chunk in chunked(student_ids):
        stored = MasteryEstimate.objects.filter(student_id__in=chunk)
        if by_target:
            stored = stored.filter(target_id__in=target_ids)
        stale.append(
            pl.DataFrame(
                list(stored.values_list("pk", "student_id", "target_id")),
                schema={"pk": pl.Int64, "student_id": pl.Int64, "target_id": pl.Int64},
                orient="row",
            )
        )
    doomed = pl.concat(stale).join(wanted, on=["student_id", "target_id"], how="semi")
    for chunk in chunked(doomed.get_column("pk").to_list()):
        MasteryEstimate.objects.filter(pk__in=chunk).delete()
    count = bulk_insert(
        MasteryEstimate,
        ESTIMATE_COLUMNS,
        _estimate_rows(current, configs, db_datetime(timezone.now())),
    )
    domains = sorted({targets[t].competency.domain_id for t in target_ids if t in targets})
    return count, _placements_replace(student_ids, domains, book, on)


def _placements_replace(
    student_ids: list[int], domain_ids: list[int], book: PolicyBook, on: date
) -> int:
    """Today's placement of every listed student in every listed domain, from the estimates
    as they now stand (one read), replacing what was stored for `on`."""
    stored = MasteryEstimate.objects.filter(
        target__competency__domain_id__in=domain_ids,
        target__parent__isnull=True,
        value__isnull=False,
    )
    rows = pl.DataFrame(
        list(rows_in(stored, "student", student_ids, "student_id", "target_id", "value", "method")),
        schema={
            "student_id": pl.Int64,
            "target_id": pl.Int64,
            "value": pl.Float64,
            "method": pl.Utf8,
        },
        orient="row",
    )
    targets: dict[int, LearningTarget] = {}
    for chunk in chunked(rows.get_column("target_id").unique().to_list()):
        targets.update(targets_with_scales(chunk))
    info = pl.DataFrame(
        [
            (
                target_id,
                target.competency.domain_id,
                placement_level(target),
                book.scale_for(target).threshold,
            )
            for target_id, target in targets.items()
        ],
        schema={
            "target_id": pl.Int64,
            "domain_id": pl.Int64,
            "level": pl.Float64,
            "threshold": pl.Float64,
        },
        orient="row",
    )
    # The one level rule (engine.levels), on the whole frame.
    estimates = rows.join(info, on="target_id").select(
        "student_id",
        "domain_id",
        "level",
        proficient_expr(pl.col("value"), pl.col("method"), pl.col("threshold")).alias(
            "is_proficient"
        ),
    )
    placed = placements_from_estimates(estimates, _level_totals(domain_ids))
    for chunk in chunked(student_ids):
        Placement.objects.filter(
            student_id__in=chunk, domain_id__in=domain_ids, placed_on=on
        ).delete()
    return bulk_insert(
        Placement,
        ["student", "domain", "placed_on", "completed", "level"],
        (
            (student_id, domain_id, on, completed, level)
            for student_id, domain_id, completed, level in placed.select(
                "student_id", "domain_id", "completed", "placement"
            ).iter_rows()
        ),
    )


@transaction.atomic
def mastery_override_set(
    *, actor: Actor, student: Student, target: LearningTarget, value: Decimal, reason: str
) -> MasteryEstimate:
    """A teacher's professional judgement replaces the estimate until newer evidence."""
    if not can_record_evidence_for(actor, student):
        raise MasteryError(MasteryErrorCode.NOT_ALLOWED, "You may not judge this student.")
    if not reason.strip():
        raise MasteryError(MasteryErrorCode.REASON_REQUIRED, "Say why you override the value.")
    scale = target.competency.domain.framework.scale
    if not scale.contains(Decimal(value)):
        raise MasteryError(
            MasteryErrorCode.OFF_SCALE,
            f"{value} is off the scale ({scale.minimum}-{scale.maximum}).",
        )
    person = active_user(actor)
    if person is None:  # can_record_evidence_for refused anyone else already
        raise MasteryError(MasteryErrorCode.NOT_ALLOWED, "You may not judge this student.")
    override = MasteryOverride.objects.create(
        student=student,
        target=target,
        value=Decimal(value),
        set_at=timezone.now(),
        set_by=person,
        reason=reason.strip(),
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        subject=override,
        student_id=student.pk,
        detail={"target": target.code, "value": str(value)},
    )
    return mastery_refresh_pair(student_id=student.pk, target_id=target.pk)


# -- bulk recompute ----------------------------------------------------------------------------


def _month_ends(first: date, last: date) -> list[date]:
    days = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        end = date(year, month, calendar.monthrange(year, month)[1])
        days.append(min(end, last))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return days


def _fit_bkt(
    district: District, frame: pl.DataFrame, proficient: pl.DataFrame, seed: int
) -> BktModel:
    data = (
        frame.join(proficient, on="target_id")
        .with_columns((pl.col("score") >= pl.col("proficient") - 1e-9).alias("correct"))
        .sort("student_id", "target_id", "observed_at")
    )
    model = bkt_fit(data, skill="target_id", student="student_id", correct="correct", seed=seed)
    now = timezone.now()
    BktFit.objects.filter(district=district).delete()
    BktFit.objects.bulk_create(
        [
            BktFit(
                district=district,
                target_id=cast(int, target_id),
                prior=fit.params.prior,
                learn=fit.params.learn,
                guess=fit.params.guess,
                slip=fit.params.slip,
                forget=fit.params.forget,
                n_rows=fit.n_rows,
                is_default=fit.is_default,
                fitted_at=now,
            )
            for target_id, fit in model.skills.items()
        ],
        batch_size=2000,
    )
    return model


@transaction.atomic
def mastery_recompute(
    *, district: District, as_of: date, progress: Progress | None = None, seed: int = 0
) -> dict[str, int]:
    """Rebuild every estimate and the monthly placement history of a district from evidence.

    One query builds the evidence frame; the engine computes per policy group; results are
    written in bulk. Returns counts.
    """
    say = progress or (lambda step, done, total: None)
    until = timezone.make_aware(datetime.combine(as_of, time.max))
    frame = evidence_frame(
        counted_evidence().filter(student__district=district, observed_at__lte=until)
    )
    say("evidence loaded", 1, 5)
    targets = targets_with_scales(frame.get_column("target_id").unique().to_list())
    book = PolicyBook(district_id=district.pk)
    configs = {target_id: book.config_for(target) for target_id, target in targets.items()}
    top = {target_id: t for target_id, t in targets.items() if t.parent_id is None}
    info = pl.DataFrame(
        {
            "target_id": list(top),
            "domain_id": [t.competency.domain_id for t in top.values()],
            "level": [placement_level(t) for t in top.values()],
            "proficient": [book.scale_for(t).proficient for t in top.values()],
            "threshold": [book.scale_for(t).threshold for t in top.values()],
        },
        schema={
            "target_id": pl.Int64,
            "domain_id": pl.Int64,
            "level": pl.Float64,
            "proficient": pl.Float64,
            "threshold": pl.Float64,
        },
    )
    bkt_model = None
    if any(config.method == engine.Method.BKT for config in configs.values()) and frame.height:
        bkt_model = _fit_bkt(district, frame, info.select("target_id", "proficient"), seed)
    overrides = pl.DataFrame(
        [
            (o.student_id, o.target_id, float(o.value), o.set_at)
            for o in MasteryOverride.objects.filter(student__district=district)
        ],
        schema={
            "student_id": pl.Int64,
            "target_id": pl.Int64,
            "value": pl.Float64,
            "set_at": pl.Datetime("us", "UTC"),
        },
        orient="row",
    )
    say("policies and BKT fitted", 2, 5)

    def estimate_all(rows: pl.DataFrame) -> pl.DataFrame:
        parts = []
        for config, target_ids in _group_configs(configs).values():
            part = rows.filter(pl.col("target_id").is_in(target_ids))
            if part.height:
                result = engine.estimate(
                    part, config=config, overrides=overrides, bkt_model=bkt_model
                )
                parts.append(result.with_columns(pl.lit(config.method).alias("method")))
        return pl.concat(parts, how="diagonal_relaxed") if parts else pl.DataFrame()

    current = estimate_all(frame)
    say("estimates computed", 3, 5)
    MasteryEstimate.objects.filter(student__district=district).delete()
    now = db_datetime(timezone.now())
    estimates = _estimate_rows(current, configs, now)
    count = bulk_insert(MasteryEstimate, ESTIMATE_COLUMNS, estimates)
    say("estimates stored", 4, 5)
    totals = _level_totals(info.get_column("domain_id").unique().to_list())
    placements = _placement_history(frame, info, totals, estimate_all, as_of)
    Placement.objects.filter(student__district=district).delete()
    placed = bulk_insert(
        Placement, ["student", "domain", "placed_on", "completed", "level"], placements.iter_rows()
    )
    say("placements stored", 5, 5)
    # Read models above (the dashboards' summaries) rebuild from the new placements.
    events.publish_on_commit(MasteryRecomputed(district_id=district.pk, as_of=as_of))
    return {"evidence": frame.height, "estimates": count, "placements": placed}


ESTIMATE_COLUMNS = [
    "student",
    "target",
    "method",
    "value",
    "status",
    "evidence_count",
    "last_observed_at",
    "p_correct_next",
    "state_value",
    "state_weight",
    "computed_at",
]


def _group_configs(
    configs: dict[int, engine.MasteryConfig],
) -> dict[int, tuple[engine.MasteryConfig, list[int]]]:
    """Targets that share a config, so that the engine runs once per distinct config."""
    groups: dict[str, tuple[engine.MasteryConfig, list[int]]] = {}
    for target_id, config in configs.items():
        key = repr(sorted(_fields(config).items()))  # configs hold dicts: not hashable
        groups.setdefault(key, (config, []))[1].append(target_id)
    return {id(config): (config, ids) for config, ids in groups.values()}


def _estimate_rows(
    current: pl.DataFrame, configs: dict[int, engine.MasteryConfig], now: Any
) -> list[tuple[Any, ...]]:
    if current.height == 0:
        return []
    if "p_correct_next" not in current.columns:
        current = current.with_columns(pl.lit(None, dtype=pl.Float64).alias("p_correct_next"))
    times = db_datetimes(current.get_column("last_observed_at").to_list())
    rows = []
    for (student_id, target_id, value, status, count, p_next, method), last in zip(
        current.select(
            "student_id", "target_id", "value", "status", "n_evidence", "p_correct_next", "method"
        ).iter_rows(),
        times,
        strict=True,
    ):
        config = configs[target_id]
        state_value = state_weight = None
        if _is_resumable(config) and status != "override" and count:
            # Unit weights: the state's value is the value itself (the BKT posterior for bkt);
            # the weight is n for the mean, 1 for the decaying average and, for bkt,
            # P(not learned) (here 1 - value, floored: exact unless the posterior rounds to 1).
            state_value = value
            if config.method == engine.Method.MEAN:
                state_weight = float(count)
            elif config.method == engine.Method.BKT and value is not None:
                state_weight = max(1.0 - value, UNLEARNED_FLOOR)
            else:
                state_weight = 1.0
        rows.append(
            (
                student_id,
                target_id,
                method,
                value,
                status,
                count,
                last,
                p_next,
                state_value,
                state_weight,
                now,
            )
        )
    return rows


def _placement_history(
    frame: pl.DataFrame,
    info: pl.DataFrame,
    totals: pl.DataFrame,
    estimate_all: Callable[[pl.DataFrame], pl.DataFrame],
    as_of: date,
) -> pl.DataFrame:
    """Placements at every month end from the first evidence to `as_of`, then `as_of`."""
    schema = {
        "student_id": pl.Int64,
        "domain_id": pl.Int64,
        "placed_on": pl.Date,
        "completed": pl.Float64,
        "placement": pl.Float64,
    }
    if frame.height == 0:
        return pl.DataFrame(schema=schema)
    first = frame.get_column("observed_at").min()
    if not isinstance(first, datetime):
        raise TypeError(f"observed_at must hold datetimes, not {type(first).__name__}")
    days = _month_ends(first.date(), as_of)
    parts = []
    for day in days:
        cutoff = datetime.combine(day + timedelta(days=1), time.min).replace(tzinfo=first.tzinfo)
        estimates = estimate_all(frame.filter(pl.col("observed_at") < cutoff))
        if estimates.height == 0:
            continue
        rows = estimates.filter(pl.col("value").is_not_null()).join(info, on="target_id")
        rows = rows.with_columns(
            proficient_expr(pl.col("value"), pl.col("method"), pl.col("threshold")).alias(
                "is_proficient"
            )
        ).select("student_id", "domain_id", "level", "is_proficient")
        placed = placements_from_estimates(rows, totals).with_columns(
            pl.lit(day).alias("placed_on")
        )
        parts.append(
            placed.select("student_id", "domain_id", "placed_on", "completed", "placement")
        )
    if not parts:
        return pl.DataFrame(schema=schema)
    return pl.concat(parts)


@transaction.atomic
def mastery_policy_choose(
    *, actor: Actor, district: District, method: str, framework: Framework | None = None
) -> MasteryPolicy:
    """A district admin sets the method of the district (``framework`` None) or of one
    framework, keeping the other parameters; audited, then mastery is recomputed in a job."""
    if method not in engine.METHODS:
        raise MasteryError(MasteryErrorCode.UNKNOWN_METHOD, f"No mastery method {method!r}.")
    if not administers_district(actor, district.pk):
        raise MasteryError(
            MasteryErrorCode.NOT_ALLOWED, "Only the district's administrators choose its methods."
        )
    if framework is not None and framework.district_id not in {None, district.pk}:
        raise MasteryError(MasteryErrorCode.NOT_ALLOWED, "That framework is another district's.")
    policy = (
        MasteryPolicy.objects.select_for_update()
        .filter(district=district, framework=framework, target__isnull=True)
        .first()
    )
    before = policy.method if policy is not None else None
    if policy is None:
        policy = MasteryPolicy(district=district, framework=framework, method=method)
    policy.method = method
    policy.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if before is None else AuditAction.UPDATE,
        subject=policy,
        detail={"method": method, "was": before, "framework": framework.pk if framework else None},
    )
    job_enqueue(
        kind=RECOMPUTE_JOB,
        created_by=actor,
        district_id=district.pk,
        params={"district_id": district.pk},
        message="Waiting to recompute mastery.",
    )
    return policy
