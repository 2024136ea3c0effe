"""Writes of the early warning app: a district's thresholds, and its exception lists rebuilt
from placements and evidence (fetch once, compute in the engine, replace in bulk)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from masterypath.accounts.models import User
from masterypath.common.audit import audit_record
from masterypath.common.models import AuditAction
from masterypath.earlywarning.errors import EarlyWarningError, EarlyWarningErrorCode
from masterypath.earlywarning.models import EarlyWarningSettings, ExceptionHit, ExceptionRun
from masterypath.earlywarning.selectors import (
    student_records_for_district,
    thresholds_for_district,
)
from masterypath.earlywarning.services.alerts import alerts_create
from masterypath.engine.exceptions import (
    Hit,
    StudentRecord,
    Thresholds,
    detect,
    level_gains,
)
from masterypath.roster.models import Student
from masterypath.schools.models import District

Progress = Callable[[str, int, int], None]
HitKey = tuple[int, str, int | None]


@transaction.atomic
def early_warning_settings_set(
    *, actor: User, district: District, thresholds: Mapping[str, Any]
) -> EarlyWarningSettings:
    """Store a district's thresholds (only those that differ from the defaults are kept)."""
    try:
        parsed = Thresholds.from_mapping(thresholds)
    except ValueError as error:
        raise EarlyWarningError(EarlyWarningErrorCode.BAD_THRESHOLD, str(error)) from error
    defaults = Thresholds().as_dict()
    kept = {name: value for name, value in parsed.as_dict().items() if value != defaults[name]}
    stored, _ = EarlyWarningSettings.objects.update_or_create(
        district=district, defaults={"thresholds": kept}
    )
    audit_record(
        actor=actor, action=AuditAction.UPDATE, subject=stored, detail={"thresholds": kept}
    )
    return stored


@transaction.atomic
def exceptions_recompute(
    *, district: District, as_of: date, progress: Progress | None = None
) -> dict[str, int]:
    """Rebuild a district's exception hits as of ``as_of``; returns the count per rule and
    ``new`` (hits not in the previous lists)."""
    say = progress or (lambda step, done, total: None)
    thresholds = thresholds_for_district(district=district)
    records = student_records_for_district(district=district, as_of=as_of)
    say("placements and evidence loaded", 1, 3)
    hits = detect(records, as_of=as_of, thresholds=thresholds)
    say("rules applied", 2, 3)
    # A district's first lists are its baseline: nothing in them is news to anyone yet.
    is_baseline = not ExceptionRun.objects.filter(district=district).exists()
    new = exception_hits_replace(district=district, hits=hits, as_of=as_of)
    counts = dict(Counter(str(hit.rule) for hit in hits))
    counts["students"] = len(records)
    counts["new"] = len(new)
    counts["alerts"] = (
        0 if is_baseline else alerts_create(district_id=district.pk, keys=new, as_of=as_of)
    )
    ExceptionRun.objects.update_or_create(
        district=district,
        defaults={
            "as_of": as_of,
            "computed_at": timezone.now(),
            "counts": counts,
            "gains": _gains_by_school(records, as_of=as_of),
        },
    )
    say("exception lists stored", 3, 3)
    return counts


def _gains_by_school(records: list[StudentRecord], *, as_of: date) -> dict[str, dict[str, int]]:
    school_of = {record.student_id: record.school_id for record in records}
    by_school: dict[str, dict[str, int]] = {}
    for gain in level_gains(records, as_of=as_of):
        row = by_school.setdefault(
            str(school_of[gain.student_id]), {"students": 0, "this_year": 0, "twelve_months": 0}
        )
        row["students"] += 1
        row["this_year"] += int(gain.this_year is not None and gain.this_year >= 1.0 - 1e-9)
        row["twelve_months"] += int(
            gain.last_twelve_months is not None and gain.last_twelve_months >= 1.0 - 1e-9
        )
    return by_school


def exception_hits_replace(*, district: District, hits: list[Hit], as_of: date) -> set[HitKey]:
    """Replace the stored hits; a hit seen before keeps its first_seen_on. Returns the keys of
    the hits that are new."""
    seen: dict[HitKey, date] = {
        (student_id, rule, domain_id): first
        for student_id, rule, domain_id, first in ExceptionHit.objects.filter(
            district=district
        ).values_list("student_id", "rule", "domain_id", "first_seen_on")
    }
    placed = {
        pk: (school_id, grade)
        for pk, school_id, grade in Student.objects.filter(district=district).values_list(
            "pk", "school_id", "grade_level"
        )
    }
    ExceptionHit.objects.filter(district=district).delete()
    new: set[HitKey] = set()
    rows = []
    for hit in hits:
        key: HitKey = (hit.student_id, str(hit.rule), hit.domain_id)
        if key not in seen:
            new.add(key)
        school_id, grade = placed[hit.student_id]
        rows.append(
            ExceptionHit(
                district=district,
                school_id=school_id,
                student_id=hit.student_id,
                rule=str(hit.rule),
                domain_id=hit.domain_id,
                grade_level=grade,
                detected_on=hit.detected_on,
                first_seen_on=seen.get(key, as_of),
                need=hit.need,
                sentence=hit.sentence,
                facts=hit.facts,
            )
        )
    ExceptionHit.objects.bulk_create(rows, batch_size=2000)
    return new
