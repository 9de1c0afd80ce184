from typing import Any

from django.contrib import admin
from django.db.models import Q

from linli.accounts import rules
from linli.accounts.admin_mixins import AuditedAdmin, CommunityScopedAdmin, staff_community_ids

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

    def _scope(self, user: Any) -> Q:
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
