from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """Read-only: notices are written through the pages and the API, which check the rules and write the audit."""

    list_display = ["title", "street", "community", "status", "urgent", "published_at"]
    list_filter = ["status", "urgent"]
    search_fields = ["title"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
