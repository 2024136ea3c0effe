"""Who acts: the type every service, selector and guard takes for the person acting."""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser

from masterypath.accounts.models import User

# A request's user: a signed-in `User`, or Django's AnonymousUser before login. Guards answer
# "nothing" for the anonymous one, so every entry point can pass `request.user` as it is.
Actor: TypeAlias = User | AnonymousUser
