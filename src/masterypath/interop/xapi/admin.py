from django.contrib import admin, messages
from django.http import HttpRequest

from masterypath.common.admin_scope import DistrictScopedAdmin
from masterypath.interop.xapi.models import Statement, XapiClient
from masterypath.interop.xapi.services import secret_digest


@admin.register(XapiClient)
class XapiClientAdmin(DistrictScopedAdmin):
    """Adding a client here shows its password once, in the confirmation message."""

    district_paths = ("owner__staff__district_id",)

    list_display = ("name", "username", "owner", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "username")
    raw_id_fields = ("owner",)
    readonly_fields = ("username", "secret_sha256")
    fields = ("name", "owner", "is_active", "username", "secret_sha256")

    def save_model(self, request: HttpRequest, obj: XapiClient, form, change) -> None:  # type: ignore[no-untyped-def]
        if not change:
            import secrets

            password = secrets.token_urlsafe(32)
            obj.username = f"xc-{secrets.token_hex(6)}"
            obj.secret_sha256 = secret_digest(password)
            messages.warning(
                request,
                f"Credentials of {obj.name}, shown only now: username {obj.username} "
                f"password {password} (API token {obj.username}.{password}).",
            )
        super().save_model(request, obj, form, change)


@admin.register(Statement)
class StatementAdmin(DistrictScopedAdmin):
    """Read-only: statements are immutable; map waiting ones at /xapi/unmapped/."""

    district_paths = ("client__owner__staff__district_id",)

    list_display = (
        "statement_id",
        "client",
        "verb_id",
        "actor_key",
        "stored",
        "mapping_state",
        "is_voided",
    )
    list_filter = ("mapping_state", "is_voided", "client")
    search_fields = ("statement_id", "actor_key", "activity_id")
    date_hierarchy = "stored"
    list_select_related = ("client",)

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
