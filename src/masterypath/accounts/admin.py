from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from masterypath.accounts.models import User

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldsetSpec


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "is_active", "is_staff")
    list_filter = ("role", "is_active", "is_staff")
    fieldsets = (
        *cast("_FieldsetSpec", DjangoUserAdmin.fieldsets),  # always set on Django's UserAdmin
        ("masterypath", {"fields": ("role", "preferred_language")}),
    )
