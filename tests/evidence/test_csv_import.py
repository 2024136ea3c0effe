"""Bulk import of scores: every row and every error previewed, then all or none, idempotent."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from masterypath.evidence.csv_import import score_import_commit, score_import_preview
from masterypath.evidence.errors import EvidenceError, EvidenceErrorCode
from masterypath.evidence.models import Evidence, EvidenceSource, ScoreImport
from tests.conftest import World, user_of

TODAY = timezone.localdate()
YESTERDAY = (TODAY - timedelta(days=1)).isoformat()


HEADER = "student_id,target_code,score,date,kind"


def _csv(world: World, *lines: str, header: str = HEADER) -> bytes:
    s1, s2 = world.students["s1"].local_id, world.students["s2"].local_id
    body = [line.format(s1=s1, s2=s2, day=YESTERDAY) for line in lines]
    return ("\n".join([header, *body]) + "\n").encode()


def _preview(world: World, data: bytes, person: str = "teacher_a"):  # type: ignore[no-untyped-def]
    return score_import_preview(
        actor=user_of(world, person), section=world.sections["S1"], filename="scores.csv", data=data
    )


GOOD = ("{s1},4.NF.1,3,{day},quiz", "{s2},4.NF.2,2.5,{day},", "{s2},4.nf.3,4,{day},Exit ticket")


def test_preview_lists_every_row_and_writes_no_evidence(world: World) -> None:
    before = Evidence.objects.count()
    score_import, preview = _preview(world, _csv(world, *GOOD))
    assert preview.is_valid
    assert score_import is not None
    assert [(r.line, r.target.code, str(r.score), r.kind.value) for r in preview.rows] == [
        (2, "4.NF.1", "3", "quiz"),
        (3, "4.NF.2", "2.5", "formative"),
        (4, "4.NF.3", "4", "exit_ticket"),
    ]
    assert Evidence.objects.count() == before


def test_confirm_adds_all_rows_and_reimport_adds_nothing(world: World) -> None:
    """Confirmed rows are written with source import; the same file again adds zero."""
    teacher = user_of(world, "teacher_a")
    score_import, _ = _preview(world, _csv(world, *GOOD))
    assert score_import_commit(actor=teacher, score_import=score_import) == 3
    assert Evidence.objects.filter(source=EvidenceSource.IMPORT).count() == 3
    again, preview = _preview(world, _csv(world, *GOOD))
    assert [row.is_already_imported for row in preview.rows] == [True, True, True]
    assert score_import_commit(actor=teacher, score_import=again) == 0
    assert Evidence.objects.filter(source=EvidenceSource.IMPORT).count() == 3


def test_a_confirmed_import_cannot_be_confirmed_twice(world: World) -> None:
    teacher = user_of(world, "teacher_a")
    score_import, _ = _preview(world, _csv(world, *GOOD))
    score_import_commit(actor=teacher, score_import=score_import)
    with pytest.raises(EvidenceError) as error:
        score_import_commit(actor=teacher, score_import=score_import)
    assert error.value.code is EvidenceErrorCode.IMPORT_ALREADY_DONE


def test_every_error_is_listed_with_its_line_and_field(world: World) -> None:
    """One preview names all bad rows; the good row is not written either (all or none)."""
    future = (TODAY + timedelta(days=5)).isoformat()
    data = _csv(
        world,
        "{s1},4.NF.1,3,{day},quiz",
        "99999,4.NF.1,3,{day},quiz",
        "{s1},NOPE.1,3,{day},quiz",
        "{s1},4.NF.2,9,{day},quiz",
        "{s1},4.NF.2,three,{day},quiz",
        f"{{s1}},4.NF.2,3,{future},quiz",
        "{s1},4.NF.2,3,03-2026-01,quiz",
        "{s1},4.NF.2,3,{day},homework",
        "{s1},4.NF.1,3,{day},quiz",
    )
    score_import, preview = _preview(world, data)
    assert score_import is None
    found = {(i.line, i.field) for i in preview.issues}
    assert found == {
        (3, "student_id"),
        (4, "target_code"),
        (5, "score"),
        (6, "score"),
        (7, "date"),
        (8, "date"),
        (9, "kind"),
        (10, ""),
    }
    messages = " ".join(i.message for i in preview.issues)
    assert "off the scale" in messages
    assert "in the future" in messages
    assert "Line 10 repeats line 2" in messages
    assert Evidence.objects.filter(source=EvidenceSource.IMPORT).count() == 0
    assert ScoreImport.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"student_id;target_code;score;date\n1;4.NF.1;3;2026-01-01\n", "separated by semicolons"),
        (b"student_id\ttarget_code\tscore\tdate\n", "separated by tabs"),
        (b"student_id,score,date\n1,3,2026-01-01\n", "Missing column: target_code"),
        (b"", "The file is empty"),
        (b"student_id,target_code,score,date\n", "no rows"),
        (
            "student_id,target_code,score,date\n1,4.NF.1,3,2026-01-01,Müller\n".encode("latin-1"),
            "not UTF-8 text",
        ),
    ],
)
def test_malformed_files_get_a_clear_message(world: World, data: bytes, expected: str) -> None:
    score_import, preview = _preview(world, data)
    assert score_import is None
    assert expected in " ".join(issue.message for issue in preview.issues)


@override_settings(SCORE_IMPORT_MAX_BYTES=1000)
def test_a_file_over_the_limit_is_refused(world: World) -> None:
    score_import, preview = _preview(world, b"x" * 1001)
    assert score_import is None
    assert "at most" in preview.issues[0].message


def test_import_is_for_teachers_of_the_section(world: World) -> None:
    for person in ("teacher_a2", "counselor_a", "s1"):
        with pytest.raises(EvidenceError) as error:
            _preview(world, _csv(world, *GOOD), person=person)
        assert error.value.code is EvidenceErrorCode.NOT_ALLOWED


def test_excel_bom_and_header_aliases_are_accepted(world: World) -> None:
    data = b"\xef\xbb\xbf" + _csv(world, "{s1},4.NF.1,3,{day}", header="Student,Target,Score,Date")
    _, preview = _preview(world, data)
    assert preview.is_valid
    assert len(preview.rows) == 1


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("{s1},4.NF.1,3,{day},quiz,fine\x00print", "comment"),
        ("{s1}\x00,4.NF.1,3,{day},quiz,", "student_id"),
        ("{s1},4.NF.1,3\x00,{day},quiz,", "score"),
    ],
)
def test_a_nul_byte_is_an_error_on_its_row_and_field(world: World, line: str, field: str) -> None:
    """A NUL byte (a binary or UTF-16 file) is reported on its line and column, and nothing
    is kept: the database could not store it (PostgreSQL refuses NUL in text)."""
    data = _csv(world, line, header=HEADER + ",comment")
    score_import, preview = _preview(world, data)
    assert score_import is None
    assert [(issue.line, issue.field) for issue in preview.issues] == [(2, field)]
    assert "NUL" in preview.issues[0].message
    assert not ScoreImport.objects.exists()


def test_a_nul_byte_in_the_header_is_a_file_error(world: World) -> None:
    score_import, preview = _preview(world, _csv(world, *GOOD, header=HEADER + "\x00"))
    assert score_import is None
    assert [(issue.line, issue.field) for issue in preview.issues] == [(1, "")]
    assert "NUL" in preview.issues[0].message


@pytest.mark.parametrize("rows", [10, 200])
def test_confirming_costs_the_same_queries_for_10_or_200_rows(
    world: World, rows: int, django_assert_max_num_queries: Any
) -> None:
    """The confirm step re-reads the file and writes every row in bulk: no query per row."""
    lines = [
        f"{{s{1 + n % 2}}},4.NF.{1 + n % 3},{1 + n % 4},"
        f"{(TODAY - timedelta(days=1 + n)).isoformat()},"
        for n in range(rows)
    ]
    score_import, preview = _preview(world, _csv(world, *lines))
    assert score_import is not None, preview.issues
    with django_assert_max_num_queries(18):
        added = score_import_commit(actor=user_of(world, "teacher_a"), score_import=score_import)
    assert added == rows
