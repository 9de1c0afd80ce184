"""A read-only staff admin for the ledger: look, search and filter, within the user's communities.

Value moves only through the services (balances, locks, idempotency, audit), so nothing here adds, changes or
deletes: transactions and entries are append-only, and rules, merchants and products have their own pages."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from linli.accounts.admin_mixins import CommunityScopedAdmin, ReadOnlyAdmin

from .models import (
    Account,
    EarningRule,
    Entry,
    LedgerSettings,
    Merchant,
    Order,
    Product,
    Settlement,
    Transaction,
)


class ReadOnlyLedgerAdmin(ReadOnlyAdmin, CommunityScopedAdmin):
    show_full_result_count = False
    list_per_page = 50


class EntryInline(admin.TabularInline):
    model = Entry
    fields = ("account", "unit", "amount", "balance_after")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Account)
class AccountAdmin(ReadOnlyLedgerAdmin):
    list_display = ("pk", "__str__", "kind", "code", "unit", "balance", "floor", "community")
    list_filter = ("kind", "unit")
    search_fields = ("code", "resident__name", "merchant__name")
    list_select_related = ("community", "resident", "merchant")


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyLedgerAdmin):
    list_display = ("pk", "kind", "occurred_at", "memo", "rule_code", "reverses", "actor", "community")
    list_filter = ("kind",)
    search_fields = ("memo", "idempotency_key", "rule_code")
    list_select_related = ("community", "actor", "reverses")
    exclude = ("fingerprint",)
    inlines = [EntryInline]


@admin.register(Entry)
class EntryAdmin(ReadOnlyLedgerAdmin):
    community_path = "transaction__community"
    list_display = ("pk", "transaction", "account", "unit", "amount", "balance_after")
    list_filter = ("unit", "transaction__kind")
    search_fields = ("transaction__memo", "account__resident__name", "account__merchant__name")
    list_select_related = ("transaction", "account__resident", "account__merchant")


@admin.register(EarningRule)
class EarningRuleAdmin(ReadOnlyLedgerAdmin):
    list_display = ("code", "label", "points", "daily_cap", "yearly_cap", "funding_code", "enabled", "community")
    list_filter = ("enabled", "funding_code")
    search_fields = ("code", "name")
    list_select_related = ("community",)


@admin.register(LedgerSettings)
class LedgerSettingsAdmin(ReadOnlyLedgerAdmin):
    list_display = ("community", "fen_per_point", "expiry_enabled", "expiry_years", "expiry_notice_days")
    list_select_related = ("community",)


@admin.register(Merchant)
class MerchantAdmin(ReadOnlyLedgerAdmin):
    list_display = ("name", "kind", "status", "open_to_all_communities", "settles_with", "community", "applied_at")
    list_filter = ("status", "kind", "open_to_all_communities")
    search_fields = ("name", "address")
    list_select_related = ("community",)


@admin.register(Product)
class ProductAdmin(ReadOnlyLedgerAdmin):
    list_display = ("name", "merchant", "kind", "price_points", "price_fen", "stock", "active", "community")
    list_filter = ("active", "kind")
    search_fields = ("name", "merchant__name")
    list_select_related = ("merchant", "community")


@admin.register(Order)
class OrderAdmin(ReadOnlyLedgerAdmin):
    list_display = ("pk", "product", "merchant", "resident", "quantity", "points", "fen", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("product__name", "merchant__name", "resident__name")
    list_select_related = ("product", "merchant", "resident")
    exclude = ("code",)  # the redemption code is the resident's to show at the counter


@admin.register(Settlement)
class SettlementAdmin(ReadOnlyLedgerAdmin):
    list_display = ("pk", "merchant", "points", "fen_per_point", "fen", "funding_code", "created_at", "community")
    list_filter = ("funding_code",)
    search_fields = ("merchant__name",)
    list_select_related = ("merchant", "community")
