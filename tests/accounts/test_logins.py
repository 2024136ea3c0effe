"""Sign-in defences: throttling and lockout per account and address, the unlock path, password
reset by email, session lifetime and idle timeout, no-store on pages with student data."""

from __future__ import annotations

import re
import time

import pytest
from django.core import mail
from django.test import Client, override_settings

from masterypath.web.session_idle import LAST_SEEN
from tests import factories as f
from tests.conftest import World, user_of
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in(client: Client, username: str, password: str, address: str = "10.0.0.1") -> int:
    response = client.post(
        "/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )
    return response.status_code


def test_two_hundred_wrong_passwords_are_not_all_tried(world: World) -> None:
    """After 5 wrong passwords the account is locked (429 with a clear page), and then even
    the right password is refused: 200 guesses get 5 tries, not 200."""
    username = user_of(world, "teacher_a").username
    client = Client()
    codes = [_sign_in(client, username, f"guess-{n}") for n in range(5)]
    # Another account from the same address is not locked by one account's failures.
    assert _sign_in(Client(), user_of(world, "teacher_a2").username, PASSWORD) == 302
    codes += [_sign_in(client, username, f"guess-{n}") for n in range(5, 200)]
    assert codes[:4] == [200] * 4  # the form again, with its error
    assert set(codes[4:]) == {429}
    assert _sign_in(client, username, PASSWORD) == 429
    page = client.post(
        "/login/", {"username": username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    html = page.content.decode()
    assert "Too many wrong passwords" in html
    assert "Try again in 15 minutes" in html


def test_one_address_trying_many_accounts_is_stopped(world: World) -> None:
    """Spraying one password over many accounts from one address stops at the address limit
    (50 by default), though no account reaches its own."""
    users = [f.UserFactory() for _ in range(15)]
    codes = [
        _sign_in(Client(), users[n % 15].username, f"spray-{n}", address="10.9.9.9")
        for n in range(60)
    ]
    assert 429 in codes
    assert codes.index(429) >= 49
    assert _sign_in(Client(), user_of(world, "principal_a").username, PASSWORD, "10.9.9.9") == 429
    assert _sign_in(Client(), user_of(world, "principal_a").username, PASSWORD, "10.1.1.1") == 302


def test_an_administrator_unlocks_an_account(world: World) -> None:
    teacher = user_of(world, "teacher_a")
    for n in range(6):
        _sign_in(Client(), teacher.username, f"guess-{n}")
    assert _sign_in(Client(), teacher.username, PASSWORD) == 429
    admin_user = user_of(world, "admin_d1")
    admin_user.is_staff = True
    admin_user.save()
    admin_client = Client()
    admin_client.force_login(admin_user)
    response = admin_client.post(
        "/admin/accounts/user/",
        {"action": "unlock_sign_in", "_selected_action": [teacher.pk]},
    )
    assert response.status_code == 302
    assert _sign_in(Client(), teacher.username, PASSWORD) == 302


def test_a_password_is_reset_by_email(world: World) -> None:
    teacher = user_of(world, "teacher_a")
    teacher.email = "teacher@example.org"
    teacher.save()
    client = Client()
    assert "Forgot your password?" in client.get("/login/").content.decode()
    response = client.post("/password-reset/", {"email": "teacher@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/password-reset/sent/"
    [message] = mail.outbox
    assert message.to == ["teacher@example.org"]
    link = re.search(r"http://testserver(/password-reset/\S+/)", message.body)
    assert link is not None
    form = client.get(link.group(1), follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-long-new-passphrase-9", "new_password2": "a-long-new-passphrase-9"},
    )
    assert done.status_code == 302
    teacher.refresh_from_db()
    assert teacher.check_password("a-long-new-passphrase-9")
    again = client.get(link.group(1), follow=True).content.decode()
    assert "This link has expired or was already used" in again


def test_a_reset_for_an_unknown_address_says_the_same_and_sends_nothing(world: World) -> None:
    response = Client().post("/password-reset/", {"email": "nobody@example.org"}, follow=True)
    assert "If an account has that address" in response.content.decode()
    assert mail.outbox == []


def test_sessions_last_eight_hours_by_default(world: World, settings: object) -> None:
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60  # type: ignore[attr-defined]
    client = Client()
    assert _sign_in(client, user_of(world, "teacher_a").username, PASSWORD) == 302
    cookie = client.cookies["sessionid"]
    assert int(cookie["max-age"]) == 8 * 60 * 60


@override_settings(SESSION_IDLE_SECONDS=600)
def test_an_idle_session_is_signed_out(world: World) -> None:
    client = Client()
    client.force_login(user_of(world, "teacher_a"))
    assert client.get("/").status_code == 200
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 601
    session.save()
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_pages_with_student_data_are_not_stored(world: World) -> None:
    client = Client()
    client.force_login(user_of(world, "teacher_a"))
    response = client.get(f"/students/{world.students['s1'].pk}/")
    assert "no-store" in response["Cache-Control"]
    api = client.get(f"/api/v1/students/{world.students['s1'].pk}")
    assert "no-store" in api["Cache-Control"]
    frameworks = client.get("/api/v1/frameworks")
    assert "no-store" not in frameworks.get("Cache-Control", "")
