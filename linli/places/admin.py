from typing import Any

from django.contrib import admin
from django.db.models import Q
from django.http import HttpRequest

from linli.accounts import rules
from linli.accounts.admin_mixins import AuditedAdmin, CommunityScopedAdmin, ReadOnlyAdmin, staff_community_ids
from linli.accounts.types import Actor
from linli.audit.models import AuditEntry

from .models import Building, Community, Grid, Household, Neighbourhood, Street


@admin.register(Street)
class StreetAdmin(AuditedAdmin):
    list_display = ("code", "name", "district", "city")
    search_fields = ("code", "name")


@admin.register(Community)
class CommunityAdmin(CommunityScopedAdmin):
    list_display = ("code", "name", "street", "tier")
    list_filter = ("street", "tier")
    search_fields = ("code", "name")

    def _scope(self, user: Actor) -> Q:
        access = rules.access_for(user)
        if access.superuser:
            return Q()
        return Q(pk__in=staff_community_ids(user)) | Q(street__in=access.street_ids)

    def _community_of(self, obj: Any) -> Any:
        return obj

    def has_add_permission(self, request: Any) -> bool:
        return rules.access_for(request.user).superuser


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(CommunityScopedAdmin):
    list_display = ("name", "community")
    list_filter = ("community",)


@admin.register(Grid)
class GridAdmin(CommunityScopedAdmin):
    list_display = ("code", "name", "community", "steward")
    list_filter = ("community",)
    raw_id_fields = ("steward",)


@admin.register(Building)
class BuildingAdmin(CommunityScopedAdmin):
    list_display = ("name", "community", "neighbourhood", "grid", "residential", "floors")
    list_filter = ("community", "residential")
    search_fields = ("name",)


@admin.register(Household)
class HouseholdAdmin(CommunityScopedAdmin):
    list_display = ("__str__", "community")
    list_filter = ("community",)
    search_fields = ("unit", "building__name")
    raw_id_fields = ("building",)


# --- the audit log ----------------------------------------------------------------------------------------------
# Its admin lives here rather than in linli.audit: it scopes rows by community and by the rules of accounts, both of
# which sit above the audit log.


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin, CommunityScopedAdmin):
    """Read only, and only the rows of communities whose audit the user may view (`rules.can_view_audit`):
    community admins their community's, street admins their street's, superusers all (rows without a
    community too). Grid stewards and social workers do not read the audit log."""

    list_display = ("at", "actor", "community", "action", "object_type", "object_id", "via")
    list_filter = ("action", "via")
    search_fields = ("object_type", "object_id", "action")
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def _audited_community_ids(self, user: Actor) -> list[int]:
        access = rules.access_for(user)
        candidates = Community.objects.filter(Q(pk__in=list(access.community_roles)) | Q(street__in=access.street_ids))
        return [c.pk for c in candidates if rules.can_view_audit(user, c)]

    def _scope(self, user: Actor) -> Q:
        if rules.access_for(user).superuser:
            return Q()
        return Q(community__in=self._audited_community_ids(user))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(rules.access_for(request.user).superuser or self._audited_community_ids(request.user))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return self.has_module_permission(request)
        if rules.access_for(request.user).superuser:
            return True
        return obj.community is not None and rules.can_view_audit(request.user, obj.community)
