from django.contrib import admin

from linli.accounts.admin_mixins import CommunityScopedAdmin

from . import rules
from .models import Category, CategoryAttribute


class CategoryAttributeInline(admin.TabularInline):
    model = CategoryAttribute
    extra = 0


@admin.register(Category)
class CategoryAdmin(CommunityScopedAdmin):
    """Categories, their extra fields, responsible party and time limits: configured by community admins."""

    manage_rule = staticmethod(rules.can_configure_reports)
    list_display = ("code", "name", "community", "kind", "accept_within_hours", "resolve_within_hours", "active")
    list_filter = ("community", "kind", "active")
    search_fields = ("code", "name")
    raw_id_fields = ("responsible",)
    inlines = [CategoryAttributeInline]
