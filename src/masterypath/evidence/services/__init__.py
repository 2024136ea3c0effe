"""Writes of evidence. `entries` writes one entry at a time (teachers and students at work);
`many` writes batches (imports, xAPI, the demo seed). Import from here."""

from masterypath.evidence.services.entries import (
    EXIT_TICKET_MAX_TARGETS,
    FUTURE_TOLERANCE,
    UNDO_REASON,
    CellSave,
    _check_dok,
    _create,
    assessment_copy,
    assessment_create,
    assessment_score,
    assessment_score_undo,
    evidence_record,
    evidence_void,
    observation_create,
    parse_score,
    self_assessment_record,
)
from masterypath.evidence.services.many import (
    EvidenceBatchError,
    EvidenceRow,
    RecordedMany,
    RowError,
    evidence_check_many,
    evidence_record_many,
    evidence_void_many,
)

__all__ = [
    "EXIT_TICKET_MAX_TARGETS",
    "FUTURE_TOLERANCE",
    "UNDO_REASON",
    "CellSave",
    "EvidenceBatchError",
    "EvidenceRow",
    "RecordedMany",
    "RowError",
    "_check_dok",
    "_create",
    "assessment_copy",
    "assessment_create",
    "assessment_score",
    "assessment_score_undo",
    "evidence_check_many",
    "evidence_record",
    "evidence_record_many",
    "evidence_void",
    "evidence_void_many",
    "observation_create",
    "parse_score",
    "self_assessment_record",
]
