from django.contrib import admin

from linli.accounts import rules
from linli.accounts.admin_mixins import AuditedAdmin, CommunityScopedAdmin

from .models import Resident, SensitiveTag


@admin.register(SensitiveTag)
class SensitiveTagAdmin(AuditedAdmin):
    list_display = ("code", "name_zh", "name_en")


@admin.register(Resident)
class ResidentAdmin(CommunityScopedAdmin):
    manage_rule = staticmethod(rules.can_edit_residents)
    list_display = ("name", "community", "household", "id_number_masked", "birth_date")
    list_filter = ("community", "is_owner", "is_party_member")
    search_fields = ("name",)
    readonly_fields = ("id_number_masked",)
    exclude = ("id_number_encrypted", "id_number_digest")
    raw_id_fields = ("household", "user")
