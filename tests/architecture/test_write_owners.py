"""Every write of a model happens in its own app's services (or migrations): a scan of the
source tree (tests/architecture/write_scan.py) finds `create`, `bulk_create`, `update`,
`delete`, `save`, `get_or_create`, `update_or_create`, related-manager and `bulk_insert`
writes and names the app whose model they touch."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests.architecture.write_scan import Write, is_owned, scan_source, scan_tree

SRC = Path(__file__).resolve().parents[2] / "src"

# Apps whose one writer is not called `services`, each with why.
WRITER_MODULES = {
    # The audit log is written by the helpers every service calls.
    "masterypath.common.audit": "masterypath.common",
    # A job's progress and outcome, written by the task runner around each job.
    "masterypath.jobs.progress": "masterypath.jobs",
    # The dashboards' read model, rebuilt from the typed events: reports has no services.
    "masterypath.reports.summaries": "masterypath.reports",
}


def _allowed(write: Write) -> bool:
    return is_owned(write) or WRITER_MODULES.get(write.module) == write.owner


def test_every_write_is_in_its_apps_services() -> None:
    """No module outside an app's services writes that app's models."""
    stray = [str(write) for write in scan_tree(SRC) if not _allowed(write)]
    assert not stray, "Writes outside their app's services:\n" + "\n".join(stray)


def test_the_scan_sees_the_services_writes() -> None:
    """The scan finds the writes the services make (so an empty report above means the
    scan looked, not that it is blind)."""
    owners = {write.owner for write in scan_tree(SRC) if is_owned(write)}
    assert {
        "masterypath.schools",
        "masterypath.roster",
        "masterypath.continuum",
        "masterypath.evidence",
        "masterypath.mastery",
    } <= owners


def test_writer_modules_exist() -> None:
    """The exceptions name modules that exist (a renamed one must be named again)."""
    for module in WRITER_MODULES:
        assert importlib.util.find_spec(module) is not None, module


IMPORTS = """
from masterypath.roster.models import Student, Section
from masterypath.continuum import models as continuum_models
from masterypath.common.bulk import bulk_insert
"""


@pytest.mark.parametrize(
    ("body", "method", "model"),
    [
        ("Student.objects.create(given_name='A')", "create", "Student"),
        ("Student.objects.filter(pk=1).update(is_active=False)", "update", "Student"),
        ("Student.objects.filter(pk=1).delete()", "delete", "Student"),
        ("Student.objects.bulk_create([])", "bulk_create", "Student"),
        ("Student.objects.get_or_create(local_id='1')", "get_or_create", "Student"),
        ("s = Student(given_name='A')\n    s.save()", "save", "Student"),
        ("for s in Student.objects.all():\n        s.delete()", "delete", "Student"),
        (
            "by_id = {s.pk: s for s in Student.objects.all()}\n    by_id[1].save()",
            "save",
            "Student",
        ),
        ("bulk_insert(Student, ['local_id'], [])", "bulk_insert", "Student"),
        ("Section.students.through.objects.bulk_create([])", "bulk_create", "Section"),
        ("continuum_models.Framework.objects.create(title='x')", "create", "Framework"),
    ],
)
def test_scan_finds_a_write_outside_services(body: str, method: str, model: str) -> None:
    """Each form of write, made from an importer, is reported with its model and owner."""
    source = f"{IMPORTS}\ndef apply() -> None:\n    {body}\n"
    found = scan_source(source, "masterypath.interop.somewhere")
    assert [(w.method, w.model) for w in found] == [(method, model)]
    assert not is_owned(found[0])


def test_scan_finds_an_annotated_parameter_written() -> None:
    """A parameter typed as a model is one."""
    source = f"{IMPORTS}\ndef apply(*, student: Student) -> None:\n    student.save()\n"
    found = scan_source(source, "masterypath.web.pages")
    assert [(w.owner, w.model) for w in found] == [("masterypath.roster", "Student")]


def test_scan_allows_the_apps_own_services() -> None:
    """The same write in the app's services is owned."""
    source = f"{IMPORTS}\ndef student_create() -> None:\n    Student.objects.create()\n"
    for module in ("masterypath.roster.services", "masterypath.roster.services.people"):
        (write,) = scan_source(source, module)
        assert is_owned(write)
    (write,) = scan_source(source, "masterypath.evidence.services")
    assert not is_owned(write)  # another app's services


@pytest.mark.parametrize(
    "body",
    [
        "ids = set(Student.objects.values_list('pk', flat=True))\n    ids.update({1})",
        "rows = {s.pk: s for s in Student.objects.all()}\n    rows.update(other)",
        "student = Student.objects.get()\n    student.photo.save('a', b'', save=False)",
        "Student.objects.filter(is_active=True).count()",
        "other.save()",
    ],
)
def test_scan_ignores_what_is_no_model_write(body: str) -> None:
    """Reads, a set's or dict's update, a file field's save and untyped names are not
    reported."""
    source = f"{IMPORTS}\nother = object()\ndef apply() -> None:\n    {body}\n"
    assert scan_source(source, "masterypath.interop.somewhere") == []


def test_names_are_typed_per_function() -> None:
    """A name bound to one model in one function does not type it in another."""
    source = (
        f"{IMPORTS}\n"
        "def one() -> None:\n    through = Section.students.through\n\n"
        "def two(rows: list[int]) -> None:\n"
        "    through = continuum_models.Framework\n    bulk_insert(through, [], rows)\n"
    )
    (write,) = scan_source(source, "masterypath.demo.seed")
    assert write.model == "Framework"


def test_scan_follows_attributes_annotated_with_a_model() -> None:
    """`ctx.section_map[sid].save()` is a write of a Section when some class annotates
    `section_map` with Section (here or anywhere in the tree); a set of models is not a
    related manager."""
    source = (
        f"{IMPORTS}\n"
        "class Context:\n"
        "    def __init__(self) -> None:\n"
        "        self.section_map: dict[str, Section] = {}\n\n"
        "class People:\n    changed: set[Student]\n\n"
        "def apply(ctx: Context, people: People) -> None:\n"
        "    ctx.section_map['s1'].save()\n"
        "    people.changed.add(None)\n"
    )
    found = scan_source(source, "masterypath.interop.somewhere")
    assert [(w.method, w.model) for w in found] == [("save", "Section")]
    elsewhere = "def apply(ctx: object) -> None:\n    ctx.section_map['s1'].save()\n"
    assert scan_source(elsewhere, "masterypath.web.pages") == []
    (write,) = scan_source(
        elsewhere, "masterypath.web.pages", {"section_map": ("masterypath.roster", "Section")}
    )
    assert write.owner == "masterypath.roster"
