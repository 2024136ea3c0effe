"""Who acts: the type every service, selector and guard takes for the person acting."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, TypeAlias

from django.contrib.auth.models import AnonymousUser

from masterypath.accounts.models import User

# A request's user: a signed-in `User`, or Django's AnonymousUser before login. Guards answer
# "nothing" for the anonymous one, so every entry point can pass `request.user` as it is.
Actor: TypeAlias = User | AnonymousUser


@dataclass(frozen=True, slots=True)
class SystemActor:
    """The product itself acting for one district, where no person signs in: an import run
    from the command line, the demo seed. It may write what the district's administrator may
    (every student of the district, on the targets visible there); its writes record no person
    (`recorded_by` is empty) and its audit entries name it in their detail.
    """

    district_id: int
    name: str

    # Code that asks a login whether it is a person (the audit log) gets no.
    is_authenticated: ClassVar[bool] = False
