"""The student's own pages under /me/ (exit tickets, my work) read in Spanish for a student
who chose it, level labels and the DOK choices included; the rating still saves."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from masterypath.evidence.models import Evidence, EvidenceKind, EvidenceSource
from masterypath.evidence.services import assessment_create
from tests.conftest import World, user_of


@pytest.fixture
def spanish(world: World) -> Client:
    user = user_of(world, "s1")
    user.preferred_language = "es"
    user.save()
    client = Client()
    client.force_login(user)
    return client


def test_my_work_is_in_spanish(spanish: Client) -> None:
    html = spanish.get("/me/work/").content.decode()
    assert '<html lang="es">' in html
    assert "<h1>Mi trabajo</h1>" in html
    assert "Profundidad de conocimiento (DOK)" in html
    assert "1 · Recordar" in html
    assert "como máximo" in html
    assert "Subir" in html
    assert "Depth of knowledge" not in html
    assert "Upload" not in html


def test_my_exit_tickets_are_in_spanish(world: World, spanish: Client) -> None:
    ticket = assessment_create(
        actor=user_of(world, "teacher_a"),
        section=world.sections["S1"],
        title="Fracciones hoy",
        kind=EvidenceKind.EXIT_TICKET,
        assessed_on=timezone.localdate(),
        targets=world.targets[:1],
        allows_self_assessment=True,
    )
    listing = spanish.get("/me/exit-tickets/").content.decode()
    assert "<h1>Mis boletos de salida</h1>" in listing
    assert "Fracciones hoy" in listing
    page = spanish.get(f"/me/exit-tickets/{ticket.pk}/").content.decode()
    assert "Enviar mis respuestas" in page
    assert "Competente" in page  # the scale's "Proficient", from the catalogue
    assert 'value="3"' in page  # a number the form reads back, whatever the language
    target = world.targets[0]
    response = spanish.post(f"/me/exit-tickets/{ticket.pk}/", {f"target-{target.pk}": "3"})
    assert response.status_code == 302
    saved = Evidence.objects.get(assessment=ticket, source=EvidenceSource.STUDENT)
    assert saved.score == 3
    after = spanish.get("/me/exit-tickets/").content.decode()
    assert "Gracias: tus respuestas están guardadas." in after
