"""Apply a OneRoster bundle to a district: all of it in one transaction, or nothing.

Rows are matched on `sourcedId` (kept in `source_id`), so importing the same bundle twice
changes nothing. A `bulk` file is the whole truth for its kind: students missing from a bulk
users file are deactivated and imported enrollments missing from a bulk enrollments file are
removed. A `delta` file changes only the rows it holds; `status=tobedeleted` deactivates a
student, removes an enrollment, and unlinks a guardian; a row whose `dateLastModified` is older
than the one already applied is skipped.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from masterypath.accounts.actors import Actor, SystemActor
from masterypath.common import events
from masterypath.common.audit import audit_record
from masterypath.common.event_types import RosterImported
from masterypath.common.models import AuditAction
from masterypath.interop.oneroster.appliers import APPLIERS
from masterypath.interop.oneroster.appliers.context import ImportContext, Report
from masterypath.interop.oneroster.errors import OneRosterErrorCode, OneRosterImportError
from masterypath.interop.oneroster.gradebook import gradebook_import
from masterypath.interop.oneroster.models import SourceRecord
from masterypath.interop.oneroster.reader import Bundle
from masterypath.schools.models import District


def _noop(*_args: Any, **_kwargs: Any) -> None:
    return None


def _source_records_save(job: ImportContext) -> None:
    """Remember the `dateLastModified` of every row applied, so that a stale delta row is
    skipped next time."""
    latest: dict[tuple[str, str], datetime | None] = {}
    for kind, source_id, stamp in job.seen_records:
        latest[(kind, source_id)] = stamp
    changed = [
        SourceRecord(
            district_id=job.district.pk,
            kind=kind,
            source_id=source_id[:255],
            modified_at=stamp,
        )
        for (kind, source_id), stamp in latest.items()
        if stamp is not None and job.records.get((kind, source_id)) != stamp
    ]
    SourceRecord.objects.bulk_create(
        changed,
        batch_size=5000,
        update_conflicts=True,
        unique_fields=["district_id", "kind", "source_id"],
        update_fields=["modified_at"],
    )


@transaction.atomic
def oneroster_bundle_import(
    *,
    bundle: Bundle,
    district: District,
    actor: Actor | SystemActor | None = None,
    report: Report = _noop,
    role_from_enrollments: bool = False,
) -> dict[str, Any]:
    """Apply `bundle` to `district`; raises OneRosterImportError (and writes nothing) when any
    row is wrong. Returns the counts of what changed and the warnings.

    One applier per file (appliers/), in file order, sharing one `ImportContext`; the
    gradebook (categories, lineItems, results, scoreScales) after them.
    The bundle's shape problems (`Bundle.issues`) are raised with the row problems, in one
    pass. `role_from_enrollments` takes a user whose role is student but who teaches a class
    as a teacher (the default refuses the teaching enrollment)."""
    job = ImportContext(
        bundle, district, actor, report, role_from_enrollments=role_from_enrollments
    )
    job.load_records()
    report(0, job.total, "Starting")
    for apply in APPLIERS:
        apply(job)
    # The gradebook is checked even when the roster is not clean, so that its problems come
    # in the same pass; a result of a refused student or line item says it was refused.
    gradebook_import(job)
    if job.issues:
        raise OneRosterImportError(OneRosterErrorCode.INVALID, job.issues, job.warnings)
    _source_records_save(job)
    counts = {k: v for k, v in sorted(job.counts.items()) if v}
    audit_record(
        actor=actor,
        action=AuditAction.IMPORT,
        subject=district,
        detail={"format": "oneroster", "version": bundle.version, **counts},
    )
    if counts:
        events.publish_on_commit(RosterImported(district_id=district.pk))
    return {
        "version": bundle.version,
        "counts": counts,
        "warnings": [w.as_dict() for w in job.warnings],
    }
