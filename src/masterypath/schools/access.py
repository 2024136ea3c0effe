"""Which district a signed-in person belongs to.

A login belongs to one person (a staff member, a student or a guardian) and each person to one
district. The person rows live in the roster app, above this one, so the lookup follows the
one-to-one links from the user by name instead of importing the roster models.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist

from masterypath.accounts.actors import Actor

PERSON_RELATIONS = ("staff", "student", "guardian")


def district_id_of(user: Actor | None) -> int | None:
    """The district of the person behind `user`, or None (anonymous, operator, no person)."""
    if user is None or not user.is_authenticated:
        return None
    for relation in PERSON_RELATIONS:
        try:
            person = getattr(user, relation)
        except ObjectDoesNotExist:
            continue
        return int(person.district_id)
    return None
