"""User accounts. Each account belongs to one person (a student, guardian or staff member)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STUDENT = "student", _("Student")
    GUARDIAN = "guardian", _("Guardian")
    TEACHER = "teacher", _("Teacher")
    COUNSELOR = "counselor", _("Counselor")
    PRINCIPAL = "principal", _("Principal")
    DISTRICT_ADMIN = "district_admin", _("District administrator")
    INTEGRATION = "integration", _("Integration client")


STAFF_ROLES = frozenset({Role.TEACHER, Role.COUNSELOR, Role.PRINCIPAL, Role.DISTRICT_ADMIN})


class User(AbstractUser):
    """A login. `role` says which kind of person it belongs to; the person row links back."""

    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    preferred_language = models.CharField(max_length=8, default="en")

    class Meta:
        ordering = ["username"]

    @property
    def is_staff_member(self) -> bool:
        return self.role in STAFF_ROLES
