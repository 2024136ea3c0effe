from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from masterypath.accounts.lockout import sign_in_unlock
from masterypath.accounts.models import User
from masterypath.common.admin_scope import ADMIN_RIGHTS, DistrictScopedAdmin

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldsetSpec


@admin.register(User)
class UserAdmin(DistrictScopedAdmin, DjangoUserAdmin):
    """A district administrator sees and edits the logins of their district's people (and may
    set a password), but creates none (logins come with the roster) and grants no
    superuser, staff flag, group or permission: only the operator does."""

    district_paths = ("staff__district_id", "student__district_id", "guardian__district_id")
    district_admin_rights = ADMIN_RIGHTS - {"add", "delete"}
    operator_only_fields = ("is_superuser", "is_staff", "groups", "user_permissions")
    actions = ["unlock_sign_in"]

    @admin.action(description="Unlock sign-in (forget failed passwords)")
    def unlock_sign_in(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """An account locked after too many wrong passwords may sign in again at once."""
        for user in queryset:
            sign_in_unlock(username=user.username)
        self.message_user(request, f"{queryset.count()} account(s) unlocked.", messages.SUCCESS)

    list_display = ("username", "first_name", "last_name", "role", "is_active", "is_staff")
    list_filter = ("role", "is_active", "is_staff")
    fieldsets = (
        *cast("_FieldsetSpec", DjangoUserAdmin.fieldsets),  # always set on Django's UserAdmin
        ("masterypath", {"fields": ("role", "preferred_language")}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> Any:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if getattr(request.user, "is_superuser", False):
            return readonly
        return (*readonly, *self.operator_only_fields)
