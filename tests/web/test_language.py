"""Pages in the reader's language: the saved preference, the switch, and the catalogue."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from masterypath.common.models import AuditEntry
from tests import factories as f
from tests.conftest import World


@pytest.mark.django_db
def test_spanish_login_page_is_spanish(client: Client) -> None:
    """With the language cookie set to es, the sign-in page reads in Spanish."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    page = client.get("/login/").content.decode()
    assert '<html lang="es">' in page
    assert "Iniciar sesión" in page
    assert "Sign in" not in page


@pytest.mark.django_db
def test_browser_language_is_honoured_before_sign_in(client: Client) -> None:
    """Accept-Language es picks Spanish for a visitor who has chosen nothing yet."""
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9").content.decode()
    assert "Iniciar sesión" in page


@pytest.mark.django_db
def test_a_guardian_reads_their_saved_language(client: Client, world: World) -> None:
    """A guardian whose preferred language is Spanish gets Spanish pages without a switch."""
    user = world.guardians["g1"].user
    user.preferred_language = "es"
    user.save()
    client.force_login(user)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="es">' in page
    assert "Cerrar sesión" in page


@pytest.mark.django_db
def test_the_switch_sets_the_cookie_and_the_preference(client: Client, world: World) -> None:
    """Switching to Spanish remembers it for the person (reports use it) and is audited."""
    user = world.guardians["g1"].user
    client.force_login(user)
    response = client.post("/language/", {"language": "es", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    user.refresh_from_db()
    assert user.preferred_language == "es"
    assert AuditEntry.objects.filter(actor=user, subject_type="accounts.user").exists()
    assert "Cerrar sesión" in client.get("/").content.decode()


@pytest.mark.django_db
def test_the_switch_refuses_unknown_languages_and_foreign_redirects(client: Client) -> None:
    """An unsupported code changes nothing; a `next` on another host goes home instead."""
    user = f.UserFactory(role="guardian")
    client.force_login(user)
    response = client.post("/language/", {"language": "xx", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    user.refresh_from_db()
    assert user.preferred_language == "en"


@pytest.mark.django_db
def test_the_switch_is_visible_on_every_page(client: Client) -> None:
    """The sign-in page offers the other language, named in that language."""
    page = client.get("/login/").content.decode()
    assert 'lang="es"' in page
    assert "Español" in page
