from django.contrib import admin

from linli.accounts.admin_mixins import ReadOnlyAdmin

from .models import Notice


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    """Read-only: notices are written through the pages and the API, which check the rules and write the audit."""

    list_display = ["title", "street", "community", "status", "urgent", "published_at"]
    list_filter = ["status", "urgent"]
    search_fields = ["title"]
