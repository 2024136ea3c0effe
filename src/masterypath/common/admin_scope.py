"""The Django admin, scoped to a district.

A district administrator signs in to the admin as a staff user who is not a superuser. Every
admin page built on `DistrictScopedAdmin` then shows, changes and deletes only the rows of that
administrator's district: the change list, the change, delete and history views (which look the
object up through the same queryset, so another district's id answers "does not exist"), the
bulk actions, the related-object filters of the sidebar and the choices of every foreign key
and many-to-many field. Superusers (the operator, created with `masterypath createsuperuser`)
see every district; any other staff user sees nothing.

This module sits in `common`, below the apps whose rows it scopes, so it names the district
through ORM paths (`student__district_id`) and the person relations of a login by name
(`user.staff`), never by importing the models above it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import admin
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest

# The role string of accounts.Role.DISTRICT_ADMIN; accounts sits above common.
DISTRICT_ADMIN_ROLE = "district_admin"

ADMIN_RIGHTS = frozenset({"view", "add", "change", "delete"})


def admin_district_of(request: HttpRequest) -> int | None:
    """The district a non-superuser staff login administers in the admin, or None when the
    login administers none (not staff, not a district administrator, no staff record)."""
    user: Any = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return None
    if getattr(user, "role", "") != DISTRICT_ADMIN_ROLE:
        return None
    try:
        staff = user.staff
    except ObjectDoesNotExist:
        return None
    return int(staff.district_id)


def _is_operator(request: HttpRequest) -> bool:
    user: Any = request.user
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


class _ScopedChoices:
    """Foreign-key and many-to-many choices limited to what the admin of the related model
    shows this request (the district's rows), for model admins and inlines alike."""

    admin_site: admin.AdminSite

    def _scoped_related(self, request: HttpRequest, db_field: Any) -> QuerySet[Any] | None:
        if _is_operator(request):
            return None
        related_admin = self.admin_site._registry.get(db_field.related_model)
        if isinstance(related_admin, DistrictScopedAdmin):
            return related_admin.get_queryset(request)
        # A related model with no scoped admin holds nothing of a district's own.
        return None

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        scoped = self._scoped_related(request, db_field)
        if scoped is not None:
            kwargs["queryset"] = scoped
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        scoped = self._scoped_related(request, db_field)
        if scoped is not None:
            kwargs["queryset"] = scoped
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]


class DistrictScopedAdmin(_ScopedChoices, admin.ModelAdmin):  # type: ignore[type-arg]
    """A model admin showing a district administrator their district's rows only.

    `district_paths` are ORM paths from the model to a district id; a row belongs to the
    district when any of them matches. With `shared_when_null`, rows whose first path is empty
    (a published framework, a shared scale) are shown to every district, read only.
    `district_admin_rights` says what a district administrator may do here at all.
    """

    district_paths: ClassVar[tuple[str, ...]] = ()
    shared_when_null: ClassVar[bool] = False
    district_admin_rights: ClassVar[frozenset[str]] = ADMIN_RIGHTS

    def district_q(self, district_id: int) -> Q:
        q = Q()
        for path in self.district_paths:
            q |= Q(**{path: district_id})
        if self.shared_when_null and self.district_paths:
            q |= Q(**{f"{self.district_paths[0]}__isnull": True})
        return q

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if _is_operator(request):
            return queryset
        district_id = admin_district_of(request)
        if district_id is None or not self.district_paths:
            return queryset.none()
        scoped = queryset.filter(self.district_q(district_id))
        # Paths through to-many relations or OR-ed paths can repeat a row.
        if len(self.district_paths) > 1 or self.shared_when_null:
            return scoped.distinct()
        return scoped

    def _row_is_shared(self, obj: models.Model | None) -> bool:
        if obj is None or not self.shared_when_null or not self.district_paths:
            return False
        value: Any = obj
        for part in self.district_paths[0].split("__"):
            value = getattr(value, part.removesuffix("_id") if part != "pk" else "pk", None)
            if value is None:
                return True
        return False

    def _may(self, request: HttpRequest, right: str, obj: models.Model | None = None) -> bool:
        if _is_operator(request):
            return True
        if admin_district_of(request) is None or not self.district_paths:
            return False
        if right not in self.district_admin_rights:
            return False
        return right == "view" or not self._row_is_shared(obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may(request, "view")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, "view", obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._may(request, "add")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, "change", obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, "delete", obj)

    def get_list_filter(self, request: HttpRequest) -> Any:
        """Related filters list only the values present in the scoped rows, so the sidebar
        names no other district's schools or frameworks."""
        filters = super().get_list_filter(request)
        if _is_operator(request):
            return filters
        scoped: list[Any] = []
        for item in filters:
            if isinstance(item, str) and self._is_relation_path(item):
                scoped.append((item, admin.RelatedOnlyFieldListFilter))
            else:
                scoped.append(item)
        return scoped

    def _is_relation_path(self, path: str) -> bool:
        model: Any = self.model
        field: Any = None
        for part in path.split("__"):
            try:
                field = model._meta.get_field(part)
            except Exception:  # noqa: BLE001  # not a field path: leave the filter as it is
                return False
            if not field.is_relation:
                return False
            model = field.related_model
        return field is not None


class DistrictScopedInline(_ScopedChoices, admin.TabularInline):  # type: ignore[type-arg]
    """An inline of a scoped admin: its rows come with the parent (already scoped), its
    foreign-key choices are scoped, and a district administrator may edit it."""

    def _may(self, request: HttpRequest) -> bool:
        return _is_operator(request) or admin_district_of(request) is not None

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request)
