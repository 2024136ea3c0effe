"""Keep the dashboards' summaries current: rebuilt after a recompute, moved on each evidence
event (subscribed in ReportsConfig.ready, after the mastery app's own handlers, so that the
placements they read are already up to date)."""

from __future__ import annotations

from datetime import date

from masterypath.evidence.models import Evidence, EvidenceKind
from masterypath.reports.models import SummaryState
from masterypath.reports.summaries import dashboard_summary_refresh, standing_summary_update
from masterypath.schools.models import District


def on_mastery_recomputed(*, district_id: int, as_of: date | None = None, **_: object) -> None:
    district = District.objects.filter(pk=district_id).first()
    if district is not None:
        dashboard_summary_refresh(district=district)


def on_roster_imported(*, district_id: int, **_: object) -> None:
    """Students may have changed school, grade or recorded characteristics: rebuild, once the
    district has summaries at all."""
    district = District.objects.filter(pk=district_id).first()
    if district is not None and SummaryState.objects.filter(district=district).exists():
        dashboard_summary_refresh(district=district)


def on_evidence_changed(*, evidence_id: int, **_: object) -> None:
    row = (
        Evidence.objects.filter(pk=evidence_id)
        .values("student_id", "kind", "target__competency__domain_id")
        .first()
    )
    if row is None or row["kind"] == EvidenceKind.SELF_ASSESSMENT:
        return
    standing_summary_update(
        student_id=row["student_id"], domain_id=row["target__competency__domain_id"]
    )
