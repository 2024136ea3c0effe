"""Who sees which exception hits: those of the students they may see (a teacher their own
students, a counselor or principal their school's, a district administrator the district's)."""

from __future__ import annotations

from django.db.models import QuerySet

from masterypath.accounts.actors import Actor
from masterypath.earlywarning.models import ExceptionHit
from masterypath.roster.access import students_visible_to


def hits_visible_to(actor: Actor) -> QuerySet[ExceptionHit]:
    return ExceptionHit.objects.filter(student__in=students_visible_to(actor))
