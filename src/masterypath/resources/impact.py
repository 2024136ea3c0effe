"""How students' mastery on a resource's targets moved after they used it, against similar
students who did not (a read: one evidence frame, then `engine.effects.matched_effect`).

For each student with evidence on the resource's targets, `t0` is the first time they opened
or completed the resource; for students who never used it, `t0` is the median `t0` of the
users (the same calendar point). Then

    prior = mean score on the targets before t0,  after = mean score from t0 to t0 + window
    gain  = after - prior

and students with no score on either side are left out. The comparison matches each user to
the three non-users of the same grade nearest on `prior` (bias-corrected, wild-bootstrap
interval), and says nothing when fewer than `min_group` students are on either side.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl
from django.db.models import Min

from masterypath.engine.effects import EffectEstimate, matched_effect
from masterypath.evidence.models import Evidence
from masterypath.resources.models import Resource, ResourceUse
from masterypath.roster.models import Student

WINDOW_DAYS = 90
MIN_GROUP = 10
N_BOOT = 500
# Each user is compared with the 3 nearest non-users of their grade.
MATCHES = 3


@dataclass(frozen=True, slots=True)
class ResourceImpact:
    resource: Resource
    estimate: EffectEstimate
    n_users: int
    window_days: int


def _frame(resource: Resource, *, window_days: int) -> pl.DataFrame:
    target_ids = list(resource.targets.values_list("pk", flat=True))
    first_use = dict(
        ResourceUse.objects.filter(resource=resource)
        .values("student_id")
        .annotate(t0=Min("at"))
        .values_list("student_id", "t0")
    )
    rows = list(
        Evidence.objects.filter(
            target_id__in=target_ids,
            student__district_id=resource.district_id,
            is_voided=False,
        ).values_list("student_id", "score", "observed_at")
    )
    if not rows or not first_use:
        return pl.DataFrame()
    uses = sorted(first_use.values())
    reference: datetime = uses[len(uses) // 2]
    window = timedelta(days=window_days)
    evidence = pl.DataFrame(
        {
            "student_id": [r[0] for r in rows],
            "score": [float(r[1]) for r in rows],
            "observed_at": [r[2] for r in rows],
        }
    )
    t0 = pl.DataFrame(
        {"student_id": list(first_use), "t0": list(first_use.values())},
        schema={"student_id": pl.Int64, "t0": evidence.schema["observed_at"]},
    )
    evidence = evidence.join(t0, on="student_id", how="left").with_columns(
        pl.col("t0").is_not_null().alias("used"),
        pl.col("t0").fill_null(pl.lit(reference, dtype=evidence.schema["observed_at"])),
    )
    per_student = (
        evidence.group_by("student_id")
        .agg(
            pl.col("score").filter(pl.col("observed_at") < pl.col("t0")).mean().alias("prior"),
            pl.col("score")
            .filter(
                (pl.col("observed_at") >= pl.col("t0"))
                & (pl.col("observed_at") <= pl.col("t0") + window)
            )
            .mean()
            .alias("after"),
            pl.col("used").first(),
        )
        .drop_nulls(["prior", "after"])
        .with_columns((pl.col("after") - pl.col("prior")).alias("gain"))
    )
    grades = dict(
        Student.objects.filter(pk__in=per_student["student_id"].to_list()).values_list(
            "pk", "grade_level"
        )
    )
    return per_student.with_columns(
        pl.col("student_id").replace_strict(grades, default=None).alias("grade")
    )


def resource_impact(
    *, resource: Resource, window_days: int = WINDOW_DAYS, min_group: int = MIN_GROUP
) -> ResourceImpact:
    """The matched effect of using `resource` on the gain on its targets (seeded by the
    resource, so a report reads the same each time)."""
    frame = _frame(resource, window_days=window_days)
    if frame.is_empty() or frame.filter(pl.col("used")).is_empty():
        estimate = EffectEstimate(
            effect=None,
            low=None,
            high=None,
            n_treated=0,
            n_controls=0,
            naive_difference=None,
            suppressed=True,
        )
        return ResourceImpact(
            resource=resource, estimate=estimate, n_users=0, window_days=window_days
        )
    estimate = matched_effect(
        frame,
        outcome="gain",
        treated="used",
        exact=["grade"],
        nearest=["prior"],
        seed=resource.pk,
        k=MATCHES,
        n_boot=N_BOOT,
        min_group=min_group,
    )
    return ResourceImpact(
        resource=resource,
        estimate=estimate,
        n_users=frame.filter(pl.col("used")).height,
        window_days=window_days,
    )
