"""A score CSV holding a NUL byte gets a clear error on the upload page, not a server error."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from masterypath.evidence.models import ScoreImport
from tests.conftest import World, user_of

pytestmark = pytest.mark.django_db


def test_a_nul_byte_in_the_upload_is_listed_with_its_line_and_column(world: World) -> None:
    client = Client()
    client.force_login(user_of(world, "teacher_a"))
    day = timezone.localdate().isoformat()
    csv = (
        "student_id,target_code,score,date,comment\n"
        f"{world.students['s1'].local_id},4.NF.2,3,{day},see\x00me\n"
    ).encode()
    response = client.post(
        reverse("teacher:import", args=[world.sections["S1"].pk]),
        {"file": SimpleUploadedFile("scores.csv", csv)},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "NUL (empty) byte" in html
    assert "comment" in html
    assert not ScoreImport.objects.exists()
