"""Keep the dashboards' summaries current: rebuilt after a recompute or a roster import, moved
on each evidence event (subscribed in ReportsConfig.ready, after the mastery app's own
handlers, so that the placements they read are already up to date).

One entry moves its student's standing in place. A batch touching few (student, domain)
standings does the same for each; a larger one (an import) rebuilds the district's summaries
in a background job, one at a time per district.
"""

from __future__ import annotations

import logging

from masterypath.common.bulk import chunked
from masterypath.common.event_types import (
    EvidenceRecorded,
    EvidenceRecordedMany,
    EvidenceVoided,
    EvidenceVoidedMany,
    MasteryRecomputed,
    RosterImported,
)
from masterypath.continuum.models import LearningTarget
from masterypath.evidence.models import Evidence, EvidenceKind
from masterypath.jobs.errors import JobError, JobErrorCode
from masterypath.jobs.services import job_enqueue
from masterypath.reports.models import SummaryState
from masterypath.reports.summaries import dashboard_summary_refresh, standing_summary_update
from masterypath.reports.tasks import SUMMARY_REFRESH
from masterypath.roster.models import Student
from masterypath.schools.models import District

logger = logging.getLogger(__name__)

# Above this many (student, domain) standings a batch rebuilds the district in a job instead.
IN_PLACE_LIMIT = 50


def on_mastery_recomputed(event: MasteryRecomputed) -> None:
    district = District.objects.filter(pk=event.district_id).first()
    if district is not None:
        dashboard_summary_refresh(district=district)


def on_roster_imported(event: RosterImported) -> None:
    """Students may have changed school, grade or recorded characteristics: rebuild, once the
    district has summaries at all."""
    district = District.objects.filter(pk=event.district_id).first()
    if district is not None and SummaryState.objects.filter(district=district).exists():
        dashboard_summary_refresh(district=district)


def on_evidence_changed(event: EvidenceRecorded | EvidenceVoided) -> None:
    row = (
        Evidence.objects.filter(pk=event.evidence_id)
        .values("student_id", "kind", "target__competency__domain_id")
        .first()
    )
    if row is None or row["kind"] == EvidenceKind.SELF_ASSESSMENT:
        return
    standing_summary_update(
        student_id=row["student_id"], domain_id=row["target__competency__domain_id"]
    )


def on_evidence_batch(event: EvidenceRecordedMany | EvidenceVoidedMany) -> None:
    domain_of = dict(
        LearningTarget.objects.filter(pk__in={target for _, target in event.pairs}).values_list(
            "pk", "competency__domain_id"
        )
    )
    standings = sorted({(student, domain_of[target]) for student, target in event.pairs})
    if len(standings) <= IN_PLACE_LIMIT:
        for student_id, domain_id in standings:
            standing_summary_update(student_id=student_id, domain_id=domain_id)
        return
    district_ids: set[int] = set()
    for chunk in chunked(sorted({student for student, _ in standings})):
        district_ids.update(
            Student.objects.filter(pk__in=chunk).values_list("district_id", flat=True)
        )
    for district_id in district_ids:
        if not SummaryState.objects.filter(district_id=district_id).exists():
            continue
        try:
            job_enqueue(
                kind=SUMMARY_REFRESH,
                params={"district_id": district_id},
                district_id=district_id,
                message="Waiting to refresh the dashboards.",
            )
        except JobError as error:
            if error.code != JobErrorCode.ALREADY_RUNNING:
                raise
            logger.info("A dashboard refresh is already waiting for district %s", district_id)
