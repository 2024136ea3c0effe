"""The recompute and method-report commands."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from masterypath.mastery.models import MasteryEstimate
from tests.conftest import World
from tests.factories import add_evidence


def test_recompute_rebuilds_estimates_with_a_progress_bar(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    MasteryEstimate.objects.all().delete()
    call_command("recompute", "--district", "District One")
    assert MasteryEstimate.objects.count() == 2
    printed = capsys.readouterr().out
    assert "5/5" in printed
    assert "2 estimates" in printed


def test_recompute_rejects_an_unknown_district(world: World) -> None:
    with pytest.raises(CommandError, match="No district"):
        call_command("recompute", "--district", "Nowhere")


def test_method_report_ranks_methods_on_district_evidence(world: World) -> None:
    student = world.students["s2"]
    for target in world.targets:
        for days_ago, score in [(50, 1), (40, 2), (30, 3), (20, 4), (10, 2), (5, 3)]:
            add_evidence(student, target, score, days_ago=days_ago)
    out = StringIO()
    call_command("method-report", "--district", "District One", "--json", stdout=out)
    rows = json.loads(out.getvalue())["District One"]
    methods = {row["method"] for row in rows}
    assert {"mean", "decaying_average", "bkt", "power_law"} <= methods
    assert all(0.0 <= row["auc"] <= 1.0 for row in rows)
