"""The exception lists are rebuilt in a background job after a recompute or an evidence batch,
and by the `early_warnings` command."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from masterypath.common import events
from masterypath.common.event_types import EvidenceRecordedMany, MasteryRecomputed
from masterypath.earlywarning.models import ExceptionHit, ExceptionRun
from masterypath.earlywarning.services import exceptions_recompute
from masterypath.engine.exceptions import Rule
from masterypath.jobs.models import Job, JobStatus
from tests.earlywarning.world import AS_OF, build_world, pupil, rising, school_days

pytestmark = pytest.mark.django_db

DAYS = school_days(date(2026, 1, 5))


def test_a_recompute_rebuilds_the_lists_in_a_job_with_its_progress() -> None:
    world = build_world()
    student = pupil(world, grade=7, tracks={world.math: rising(3.9, 0.1, DAYS)})
    exceptions_recompute(district=world.district, as_of=date(2026, 9, 1))
    ExceptionHit.objects.all().delete()
    events.publish(MasteryRecomputed(district_id=world.district.pk, as_of=AS_OF))
    (job,) = Job.objects.all()
    assert (job.kind, job.status) == ("earlywarning.recompute", JobStatus.SUCCEEDED)
    assert (job.progress, job.total) == (3, 3)
    assert job.result["as_of"] == AS_OF.isoformat()
    assert job.message.startswith("Early warning lists as of November 20, 2026: 1 hits")
    assert ExceptionHit.objects.get().student_id == student.pk
    assert ExceptionRun.objects.get().as_of == AS_OF


def test_a_district_without_lists_gets_no_job() -> None:
    """The first lists come from the command or the seed; events only keep them current."""
    world = build_world()
    events.publish(MasteryRecomputed(district_id=world.district.pk, as_of=AS_OF))
    assert not Job.objects.exists()


def test_an_evidence_batch_rebuilds_the_lists_of_its_district() -> None:
    world = build_world()
    other = build_world("Hillview")
    student = pupil(world, grade=7, tracks={world.math: rising(3.9, 0.1, DAYS)})
    for district in (world.district, other.district):
        exceptions_recompute(district=district, as_of=date(2026, 9, 1))
    target = world.targets[world.math.pk][0]
    events.publish(EvidenceRecordedMany(pairs=((student.pk, target.pk),), count=1, source="import"))
    (job,) = Job.objects.all()
    assert job.district_id == world.district.pk
    # Without a date the job reads the district's latest evidence day.
    assert job.result["as_of"] == DAYS[-1].isoformat()
    assert ExceptionHit.objects.filter(rule=Rule.TWO_BELOW, student=student).exists()


def test_the_command_rebuilds_and_reports_each_district() -> None:
    world = build_world()
    pupil(world, grade=7, tracks={world.math: rising(3.9, 0.1, DAYS)})
    out = StringIO()
    call_command("early_warnings", "--district", "Lakeside", "--as-of", "2026-11-20", stdout=out)
    assert out.getvalue().startswith("Lakeside as of 2026-11-20: 1 students; two_below 1; 1 new")
    with pytest.raises(CommandError, match="No district 'Nowhere'"):
        call_command("early_warnings", "--district", "Nowhere")
