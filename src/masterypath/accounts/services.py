"""Writes of accounts: a person's own preferences."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from masterypath.accounts.errors import AccountError, AccountErrorCode
from masterypath.accounts.models import User
from masterypath.common.audit import audit_record
from masterypath.common.models import AuditAction


def supported_language(code: str) -> bool:
    return code in {language for language, _ in settings.LANGUAGES}


@transaction.atomic
def user_language_set(*, actor: User, language: str) -> User:
    """The language `actor` reads pages, reports and messages in (one of LANGUAGES)."""
    if not supported_language(language):
        raise AccountError(
            AccountErrorCode.UNSUPPORTED_LANGUAGE, f"No pages are written in {language!r}."
        )
    if actor.preferred_language != language:
        before = actor.preferred_language
        actor.preferred_language = language
        actor.save(update_fields=["preferred_language"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            subject=actor,
            detail={"preferred_language": language, "was": before},
        )
    return actor


def users_create_many(*, users: list[User]) -> list[User]:
    """Save new logins in bulk (passwords already hashed): the demo seed's people."""
    return User.objects.bulk_create(users, batch_size=1000)


def user_username_set(*, user_id: int, username: str) -> int:
    """Rename a login (the demo gives its demo teacher a known name); how many changed."""
    return User.objects.filter(pk=user_id).update(username=username)


def user_erase(*, user_id: int) -> int:
    """Close a login for good and blank who it was (a student's erasure): no name, no email,
    no usable password, inactive; the row stays so audit entries keep pointing at it."""
    return User.objects.filter(pk=user_id).update(
        username=f"erased-{user_id}",
        first_name="",
        last_name="",
        email="",
        password=make_password(None),
        is_active=False,
    )
