from __future__ import annotations

import enum

from masterypath.common.errors import ApplicationError


class EvidenceErrorCode(enum.Enum):
    SCORE_OFF_SCALE = "score_off_scale"
    FUTURE_DATE = "future_date"
    NOT_ALLOWED = "not_allowed"
    ALREADY_VOIDED = "already_voided"
    REASON_REQUIRED = "reason_required"
    DOK_OUT_OF_RANGE = "dok_out_of_range"
    TARGET_NOT_IN_COURSE = "target_not_in_course"
    TARGETS_REQUIRED = "targets_required"
    TOO_MANY_TARGETS = "too_many_targets"
    TITLE_REQUIRED = "title_required"
    RUBRIC_MISMATCH = "rubric_mismatch"
    DUPLICATE_SUBMISSION = "duplicate_submission"
    STUDENT_NOT_IN_SECTION = "student_not_in_section"
    SELF_ASSESSMENT_CLOSED = "self_assessment_closed"
    NOTE_REQUIRED = "note_required"
    STUDENTS_REQUIRED = "students_required"
    FILE_TOO_LARGE = "file_too_large"
    FILE_TYPE_NOT_ALLOWED = "file_type_not_allowed"
    FILE_EMPTY = "file_empty"
    IMPORT_INVALID = "import_invalid"
    IMPORT_ALREADY_DONE = "import_already_done"
    ROWS_REFUSED = "rows_refused"


class EvidenceError(ApplicationError):
    """Evidence could not be recorded or changed; `code` says why."""
