"""Attendance and behaviour from CSV (preview, all or nothing, errors by file, row and field,
idempotent) and their rules in the stored lists."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from masterypath.earlywarning.models import AttendanceDay, ExceptionHit, Incident
from masterypath.earlywarning.services import exceptions_recompute
from masterypath.earlywarning.services.attendance_import import attendance_import
from masterypath.engine.exceptions import Rule
from tests import factories as f
from tests.earlywarning.world import AS_OF, build_world

pytestmark = pytest.mark.django_db


def _attendance_csv(source_id: str, statuses: list[str]) -> str:
    day, lines = date(2026, 9, 1), ["sourcedId,studentSourcedId,date,status"]
    for n, status in enumerate(statuses):
        while day.weekday() >= 5:
            day += timedelta(days=1)
        lines.append(f"a-{n},{source_id},{day.isoformat()},{status}")
        day += timedelta(days=1)
    return "\n".join(lines) + "\n"


def test_a_preview_writes_nothing_and_a_commit_writes_everything_once() -> None:
    world = build_world()
    student = f.StudentFactory(school=world.school, source_id="s-1")
    text = _attendance_csv("s-1", ["present"] * 17 + ["absent_unexcused"] * 3)
    preview = attendance_import(
        actor=None,
        district=world.district,
        kind="attendance",
        file_name="a.csv",
        text=text,
        commit=False,
    )
    assert (preview.rows, preview.created, preview.committed) == (20, 20, False)
    assert not AttendanceDay.objects.exists()
    done = attendance_import(
        actor=None,
        district=world.district,
        kind="attendance",
        file_name="a.csv",
        text=text,
        commit=True,
    )
    assert (done.created, done.committed) == (20, True)
    again = attendance_import(
        actor=None,
        district=world.district,
        kind="attendance",
        file_name="a.csv",
        text=text,
        commit=True,
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, 20)
    assert AttendanceDay.objects.filter(student=student).count() == 20


def test_bad_rows_are_named_by_file_row_and_field_and_nothing_is_written() -> None:
    world = build_world()
    other = build_world("Hillview")
    f.StudentFactory(school=world.school, source_id="s-1")
    f.StudentFactory(school=other.school, source_id="s-2")
    text = (
        "sourcedId,studentSourcedId,date,status\n"
        "a-1,s-1,2026-09-01,present\n"
        "a-2,s-2,2026-09-01,present\n"
        "a-3,s-1,2026-09-31,present\n"
        "a-4,s-1,2026-09-02,sick\n"
    )
    result = attendance_import(
        actor=None,
        district=world.district,
        kind="attendance",
        file_name="sept.csv",
        text=text,
        commit=True,
    )
    assert [str(e) for e in result.errors] == [
        "sept.csv, row 3, studentSourcedId: no such student in the district",
        "sept.csv, row 4, date: not a date (YYYY-MM-DD)",
        "sept.csv, row 5, status: one of present, tardy, absent_excused, absent_unexcused",
    ]
    assert not AttendanceDay.objects.exists()
    missing = attendance_import(
        actor=None,
        district=world.district,
        kind="incidents",
        file_name="inc.csv",
        text="sourcedId,date\n",
        commit=True,
    )
    assert [str(e) for e in missing.errors] == [
        "inc.csv, row 1, studentSourcedId: column missing",
        "inc.csv, row 1, category: column missing",
        "inc.csv, row 1, severity: column missing",
    ]


def test_chronic_absence_and_incidents_reach_the_lists() -> None:
    world = build_world()
    absent = f.StudentFactory(school=world.school, source_id="s-1", given_name="Absent")
    f.StudentFactory(school=world.school, source_id="s-2", given_name="Present")
    for source_id, statuses in (
        ("s-1", ["present"] * 16 + ["absent_excused"] * 4),
        ("s-2", ["present"] * 18 + ["tardy"] * 2),
    ):
        attendance_import(
            actor=None,
            district=world.district,
            kind="attendance",
            file_name="a.csv",
            text=_attendance_csv(source_id, statuses).replace("a-", f"{source_id}-"),
            commit=True,
        )
    incidents = "sourcedId,studentSourcedId,date,category,severity\n" + "".join(
        f"i-{n},s-1,2026-09-0{n + 1},disruption,minor\n" for n in range(2)
    )
    assert (
        attendance_import(
            actor=None,
            district=world.district,
            kind="incidents",
            file_name="i.csv",
            text=incidents,
            commit=True,
        ).created
        == 2
    )
    assert Incident.objects.count() == 2
    exceptions_recompute(district=world.district, as_of=AS_OF)
    hits = {(h.student_id, h.rule) for h in ExceptionHit.objects.all()}
    assert hits == {(absent.pk, Rule.CHRONIC_ABSENCE), (absent.pk, Rule.INCIDENTS)}
    sentence = ExceptionHit.objects.get(rule=Rule.CHRONIC_ABSENCE).sentence
    assert sentence.startswith("Present on 80% of school days this year (16 of 20)")
