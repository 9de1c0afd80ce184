from typing import Any

from django.contrib import admin
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from linli.accounts import rules
from linli.accounts.admin_mixins import AuditedAdmin, CommunityScopedAdmin, staff_community_ids
from linli.accounts.types import Actor
from linli.places.models import Community

from .models import Resident, SensitiveTag

# Lookups that would let the changelist's query string find a birth date (`?birth_date__month=3`) or test a
# guessed number; refused to those who may not see birth dates.
GUARDED_LOOKUPS = ("birth_date", "id_number")


@admin.register(SensitiveTag)
class SensitiveTagAdmin(AuditedAdmin):
    list_display = ("code", "name_zh", "name_en")


@admin.register(Resident)
class ResidentAdmin(CommunityScopedAdmin):
    """Residents for the staff who may see them (`rules.can_view_residents`), never the street; birth dates only
    for those who may reveal ID numbers (docs/privacy.md)."""

    manage_rule = staticmethod(rules.can_edit_residents)
    list_display = ("name", "community", "household", "id_number_masked", "birth_date")
    list_filter = ("community", "is_owner", "is_party_member")
    search_fields = ("name",)
    readonly_fields = ("id_number_masked",)
    exclude = ("id_number_encrypted", "id_number_digest")
    raw_id_fields = ("household", "user")

    def _scope(self, user: Actor) -> Q:
        if rules.access_for(user).superuser:
            return Q()
        return Q(community__in=staff_community_ids(user))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(rules.access_for(request.user).superuser or staff_community_ids(request.user))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return self.has_module_permission(request)
        return rules.can_view_residents(request.user, obj.community)

    def _sees_birth_dates(self, request: HttpRequest) -> bool:
        """In every community the list can show: one list mixes communities."""
        if rules.access_for(request.user).superuser:
            return True
        communities = Community.objects.filter(pk__in=staff_community_ids(request.user))
        return bool(communities) and all(rules.can_view_birth_date(request.user, c) for c in communities)

    @admin.display(description=_("Age (by year of birth)"))
    def age_by_year(self, obj: Resident) -> int:
        return obj.age_by_year()

    def get_list_display(self, request: HttpRequest) -> Any:
        if self._sees_birth_dates(request):
            return self.list_display
        return tuple("age_by_year" if f == "birth_date" else f for f in self.list_display)

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        exclude = list(super().get_exclude(request, obj) or ())
        if obj is not None and not rules.can_view_birth_date(request.user, obj.community):
            exclude.append("birth_date")
        return exclude

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        if lookup.startswith(GUARDED_LOOKUPS) and (request is None or not self._sees_birth_dates(request)):
            return False
        return super().lookup_allowed(lookup, value, request)
