"""The staff admin: every model admin sees only its user's communities, asks the rules, and audits writes."""

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from linli.audit.services import audit_record, snapshot

from . import rules
from .types import Actor


def staff_community_ids(user: Actor) -> set[int]:
    access = rules.access_for(user)
    return {cid for cid, roles in access.community_roles.items() if roles & rules.STAFF_ROLES}


class ReadOnlyAdmin(admin.ModelAdmin):
    """Nothing is added, changed or deleted here: the rows are written through the services, which check the rules
    and write the audit."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AuditedAdmin(admin.ModelAdmin):
    """Every save and delete through the admin writes an audit row in the same transaction."""

    def _community_of(self, obj: Any) -> Any:
        return None

    def _check_write(self, request: HttpRequest, obj: Any) -> None:
        """Refuse a write the rules do not allow (the admin's own checks stay in place as well)."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        self._check_write(request, obj)
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else None
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action=f"{obj._meta.model_name}.{'update' if change else 'create'}",
                instance=obj,
                community=self._community_of(obj),
                before=before,
                after=snapshot(obj),
                via="admin",
            )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        self._check_write(request, obj)
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action=f"{obj._meta.model_name}.delete",
                instance=obj,
                community=self._community_of(obj),
                before=snapshot(obj),
                via="admin",
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class CommunityScopedAdmin(AuditedAdmin):
    """For models with a `community` field (or a path to one in `community_path`)."""

    community_path = "community"
    manage_rule = staticmethod(rules.can_manage_community)

    def _scope(self, user: Actor) -> Q:
        access = rules.access_for(user)
        if access.superuser:
            return Q()
        ids = staff_community_ids(user)
        q = Q(**{f"{self.community_path}__in": ids})
        if access.street_ids:
            q |= Q(**{f"{self.community_path}__street__in": access.street_ids})
        return q

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).filter(self._scope(request.user))

    def _community_of(self, obj: Any) -> Any:
        for part in self.community_path.split("__"):
            obj = getattr(obj, part, None)
            if obj is None:
                return None
        return obj

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(
            rules.access_for(request.user).superuser
            or staff_community_ids(request.user)
            or rules.access_for(request.user).street_ids
        )

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return self.has_module_permission(request)
        community = self._community_of(obj)
        return community is not None and (
            rules.is_community_staff(request.user, community) or rules.oversees(request.user, community)
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        access = rules.access_for(request.user)
        return access.superuser or any("community_admin" in roles for roles in access.community_roles.values())

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return self.has_add_permission(request)
        community = self._community_of(obj)
        return community is not None and self.manage_rule(request.user, community)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        related = db_field.related_model
        if field is not None and field.queryset is not None and not rules.access_for(request.user).superuser:
            ids = staff_community_ids(request.user)
            if related._meta.label_lower == "places.community":
                field.queryset = field.queryset.filter(pk__in=ids)
            elif any(f.name == "community" for f in related._meta.fields):
                field.queryset = field.queryset.filter(community__in=ids)
        return field

    def _check_write(self, request: HttpRequest, obj: Any) -> None:
        community = self._community_of(obj)
        if community is None or not self.manage_rule(request.user, community):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
