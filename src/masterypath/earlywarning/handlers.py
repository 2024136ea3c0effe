"""Keep the exception lists current: after a district's recompute or a batch of evidence
(an import), rebuild them in a background job, one at a time per district (subscribed in
EarlyWarningConfig.ready, after the mastery app's handlers). A single score moves no list:
the rules read weeks of evidence, and the next batch or the nightly command catches up."""

from __future__ import annotations

import logging

from masterypath.common.bulk import chunked
from masterypath.common.event_types import EvidenceRecordedMany, MasteryRecomputed
from masterypath.earlywarning.models import ExceptionRun
from masterypath.earlywarning.tasks import EXCEPTIONS_RECOMPUTE
from masterypath.jobs.errors import JobError, JobErrorCode
from masterypath.jobs.services import job_enqueue
from masterypath.roster.models import Student

logger = logging.getLogger(__name__)


def exceptions_job_enqueue(*, district_id: int, as_of: str | None = None) -> None:
    """Queue the rebuild, once the district has lists at all (the first ones come from the
    command or the demo seed), unless one is already waiting (it will read the newest data)."""
    if not ExceptionRun.objects.filter(district_id=district_id).exists():
        return
    try:
        job_enqueue(
            kind=EXCEPTIONS_RECOMPUTE,
            params={"district_id": district_id, "as_of": as_of},
            district_id=district_id,
            message="Waiting to rebuild the early warning lists.",
        )
    except JobError as error:
        if error.code != JobErrorCode.ALREADY_RUNNING:
            raise
        logger.info("An early warning rebuild is already waiting for district %s", district_id)


def on_mastery_recomputed(event: MasteryRecomputed) -> None:
    exceptions_job_enqueue(district_id=event.district_id, as_of=event.as_of.isoformat())


def on_evidence_batch(event: EvidenceRecordedMany) -> None:
    district_ids: set[int] = set()
    for chunk in chunked(sorted({student for student, _ in event.pairs})):
        district_ids.update(
            Student.objects.filter(pk__in=chunk).values_list("district_id", flat=True)
        )
    for district_id in sorted(district_ids):
        exceptions_job_enqueue(district_id=district_id)
