from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from linli.accounts.admin_mixins import CommunityScopedAdmin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(CommunityScopedAdmin):
    list_display = ("at", "actor", "community", "action", "object_type", "object_id", "via")
    list_filter = ("action", "via")
    search_fields = ("object_type", "object_id", "action")
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
