"""The ledger (points and yuan, double entry) and the 街坊汇 marketplace that spends from it.

Value lives in `Account` rows; it moves only as a `Transaction` whose `Entry` legs sum to zero per unit.
Transactions and entries are only ever inserted: a correction is a reversing transaction. Each account keeps
its balance on its own row, changed under a row lock in the same database transaction as the entries, and a
CHECK constraint holds it at or above the account's floor.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .codes import CLEARING_PREFIX, FUNDING_CODES, PAYMENT_PREPAID, PAYMENT_SUSPENSE, FundingCode, RuleCode

# What a merchant or a caseworker may type. Products and orders keep 32-bit integers: a price times the largest
# quantity of one order (99) stays well inside them, so no input can overflow a column.
MAX_PRICE_POINTS = 1_000_000
MAX_PRICE_FEN = 10_000_000  # 100,000 yuan
MAX_STOCK = 1_000_000
MAX_ORDER_QUANTITY = 99
MAX_RULE_POINTS = 100_000
MAX_CAP = 10_000_000
MAX_POLICY_NUMBER = 10_000


class Unit(models.TextChoices):
    POINTS = "points", _("points")
    FEN = "fen", _("yuan (fen)")


class AccountKind(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    MERCHANT = "merchant", _("Merchant")
    POOL = "pool", _("Community points pool")
    FUNDING = "funding", _("Funding source")
    ESCROW = "escrow", _("Orders awaiting redemption")
    EXTERNAL = "external", _("Outside the platform")


class Account(models.Model):
    """One holder's balance in one unit. `floor` is the lowest balance allowed; no floor means a source
    (a funder issuing points, the outside world paying money in)."""

    community = models.ForeignKey(
        "places.Community", on_delete=models.PROTECT, related_name="ledger_accounts", verbose_name=_("community")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AccountKind.choices)
    unit = models.CharField(_("unit"), max_length=6, choices=Unit.choices)
    code = models.CharField(_("code"), max_length=40, blank=True, help_text=_("For funding sources: which one."))
    resident = models.ForeignKey(
        "people.Resident",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
        verbose_name=_("resident"),
    )
    merchant = models.ForeignKey(
        "ledger.Merchant",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
        verbose_name=_("merchant"),
    )
    balance = models.BigIntegerField(_("balance"), default=0)
    floor = models.BigIntegerField(pgettext_lazy("lower bound", "floor"), null=True, blank=True, default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("ledger account", "account")
        verbose_name_plural = pgettext_lazy("ledger account", "accounts")
        constraints = [
            models.CheckConstraint(
                name="ledger_account_above_floor", condition=Q(floor__isnull=True) | Q(balance__gte=F("floor"))
            ),
            models.CheckConstraint(
                name="ledger_account_owner_matches_kind",
                condition=(
                    Q(kind="resident", resident__isnull=False, merchant__isnull=True)
                    | Q(kind="merchant", merchant__isnull=False, resident__isnull=True)
                    | Q(
                        kind__in=["pool", "funding", "escrow", "external"], resident__isnull=True, merchant__isnull=True
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["resident", "unit"], name="uniq_ledger_resident_unit", condition=Q(resident__isnull=False)
            ),
            models.UniqueConstraint(
                fields=["merchant", "unit"], name="uniq_ledger_merchant_unit", condition=Q(merchant__isnull=False)
            ),
            models.UniqueConstraint(
                fields=["community", "kind", "code", "unit"],
                name="uniq_ledger_community_account",
                condition=Q(kind__in=["pool", "funding", "escrow", "external"]),
            ),
        ]

    def __str__(self) -> str:
        owner = self.resident or self.merchant or self.label
        return f"{owner} · {self.get_unit_display()}"

    @property
    def label(self) -> str:
        if self.kind == AccountKind.FUNDING and self.code in FUNDING_CODES:
            return str(FundingCode(self.code).label)
        if self.kind == AccountKind.EXTERNAL and self.code.startswith(CLEARING_PREFIX):
            return str(_("Payments collected (%(provider)s)") % {"provider": self.code[len(CLEARING_PREFIX) :]})
        if self.kind == AccountKind.EXTERNAL and self.code == PAYMENT_SUSPENSE:
            return str(_("Payment differences to explain"))
        if self.kind == AccountKind.ESCROW and self.code == PAYMENT_PREPAID:
            return str(_("Fees paid in advance"))
        return str(self.get_kind_display())


class TransactionKind(models.TextChoices):
    EARN = "earn", _("Earned")
    ORDER = "order", _("Order paid")
    REDEEM = "redeem", _("Order redeemed")
    REFUND = "refund", _("Refund")
    EXPIRE = "expire", _("Expired")
    REVERSAL = "reversal", _("Reversal")
    SETTLEMENT = "settlement", _("Merchant settlement")
    TRANSFER = "transfer", _("Transfer")
    DEPOSIT = "deposit", _("Deposit")
    SUBSIDY = "subsidy", _("Subsidy")
    REVENUE = "revenue", _("Revenue")
    GRANT = "grant", _("Grant")


class Transaction(models.Model):
    """One movement of value. Its entries sum to zero per unit. Never changed after it is written."""

    community = models.ForeignKey(
        "places.Community",
        on_delete=models.PROTECT,
        related_name="ledger_transactions",
        verbose_name=_("community"),
        db_index=False,  # the idempotency key's unique index starts with the community
    )
    kind = models.CharField(_("kind"), max_length=12, choices=TransactionKind.choices)
    idempotency_key = models.CharField(_("idempotency key"), max_length=120)
    fingerprint = models.CharField(max_length=64, editable=False)
    rule_code = models.CharField(_("earning rule"), max_length=40, blank=True)
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    reverses = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    occurred_at = models.DateTimeField(_("when"), db_index=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        constraints = [
            models.UniqueConstraint(fields=["community", "idempotency_key"], name="uniq_ledger_idempotency_key"),
        ]
        # Only earnings carry a rule code; transfers and orders need not maintain that index.
        indexes = [models.Index(fields=["rule_code"], condition=~Q(rule_code=""), name="ledger_txn_rule_code")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"


class Entry(models.Model):
    """One leg of a transaction: a signed amount on one account, with the account's balance after it."""

    transaction = models.ForeignKey(
        Transaction, on_delete=models.PROTECT, related_name="entries", verbose_name=_("transaction")
    )
    account = models.ForeignKey(
        Account,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=pgettext_lazy("ledger account", "account"),
        db_index=False,  # the two (account, …) indexes below serve every lookup by account
    )
    unit = models.CharField(_("unit"), max_length=6, choices=Unit.choices)
    amount = models.BigIntegerField(_("amount"))
    balance_after = models.BigIntegerField(_("balance after"))
    # The transaction's time, copied so that a statement (newest first) and a cap (the sum over a day or a year)
    # read one index of this table whatever the planner's statistics say, instead of sorting a join.
    occurred_at = models.DateTimeField(_("when"))

    class Meta:
        ordering = ["pk"]
        verbose_name = pgettext_lazy("ledger entry", "entry")
        verbose_name_plural = _("entries")
        constraints = [models.CheckConstraint(name="ledger_entry_nonzero", condition=~Q(amount=0))]
        indexes = [
            models.Index(fields=["account", "-id"], name="ledger_entry_account_idx"),
            models.Index(fields=["account", "-occurred_at", "-id"], name="ledger_entry_account_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.amount:+d} {self.unit}"


class LedgerSettings(models.Model):
    """A community's points policy: what a point is worth to a merchant, and when points expire."""

    community = models.OneToOneField(
        "places.Community", on_delete=models.CASCADE, related_name="ledger_settings", verbose_name=_("community")
    )
    fen_per_point = models.PositiveIntegerField(
        _("value of one point (fen)"), default=10, help_text=_("What a merchant is paid per point accepted.")
    )
    expiry_enabled = models.BooleanField(_("points expire"), default=True)
    expiry_years = models.PositiveSmallIntegerField(
        _("years before expiry"),
        default=1,
        help_text=_("Points earned in a year expire at the end of that many calendar years later (1: next year)."),
    )
    expiry_notice_days = models.PositiveSmallIntegerField(_("days of notice before expiry"), default=30)

    class Meta:
        verbose_name = _("points policy")
        verbose_name_plural = _("points policies")

    def __str__(self) -> str:
        return f"{self.community}"


class EarningRule(models.Model):
    """What earns points in a community, how many, the caps, and which funding source pays."""

    community = models.ForeignKey(
        "places.Community", on_delete=models.CASCADE, related_name="earning_rules", verbose_name=_("community")
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=60, blank=True, help_text=_("Empty: the standard name."))
    points = models.PositiveIntegerField(_("points per unit"))
    daily_cap = models.PositiveIntegerField(_("daily cap"), null=True, blank=True, help_text=_("Empty: no cap."))
    monthly_cap = models.PositiveIntegerField(_("monthly cap"), null=True, blank=True, help_text=_("Empty: no cap."))
    yearly_cap = models.PositiveIntegerField(_("yearly cap"), null=True, blank=True, help_text=_("Empty: no cap."))
    funding_code = models.CharField(_("paid by"), max_length=40, choices=FundingCode.choices)
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        ordering = ["community", "code"]
        verbose_name = _("earning rule")
        verbose_name_plural = _("earning rules")
        constraints = [
            models.UniqueConstraint(fields=["community", "code"], name="uniq_earning_rule_code"),
            models.CheckConstraint(name="earning_rule_points_positive", condition=Q(points__gt=0)),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        return str(RuleCode(self.code).label) if self.code in RuleCode.values else self.code


class ExpiryNotice(models.Model):
    """That a resident was told their points expire at the end of `year`: sent once."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="expiry_notices")
    year = models.PositiveSmallIntegerField()
    points = models.BigIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "year"], name="uniq_expiry_notice")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.year}: {self.points}"


# --- the marketplace 街坊汇 ----------------------------------------------------------------------------------


class Merchant(models.Model):
    class Kind(models.TextChoices):
        SHOP = "shop", _("Shop")
        COMMON_PROSPERITY = "common_prosperity", _("共富 point (partner village produce)")
        SERVICE = "service", _("Service provider")
        CHARITY = "charity", _("Charity")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")

    community = models.ForeignKey(
        "places.Community", on_delete=models.PROTECT, related_name="merchants", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SHOP)
    description = models.TextField(_("description"), blank=True, max_length=1000)
    address = models.CharField(_("address"), max_length=120, blank=True)
    contact_mobile = models.CharField(_("contact mobile"), max_length=11, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    open_to_all_communities = models.BooleanField(_("serves residents of other communities (共富)"), default=False)
    settles_with = models.CharField(
        _("points settled by"), max_length=40, choices=FundingCode.choices, default=FundingCode.COMMUNITY_FUND
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="merchants", blank=True, verbose_name=_("staff")
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("applied by")
    )
    applied_at = models.DateTimeField(_("applied at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["community", "name"]
        verbose_name = _("merchant")
        verbose_name_plural = _("merchants")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="uniq_merchant_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.APPROVED


class Product(models.Model):
    class Kind(models.TextChoices):
        GOODS = "goods", _("Goods")
        VOUCHER = "voucher", _("Service voucher")

    merchant = models.ForeignKey(
        Merchant, on_delete=models.PROTECT, related_name="products", verbose_name=_("merchant")
    )
    community = models.ForeignKey(
        "places.Community", on_delete=models.PROTECT, related_name="products", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.GOODS)
    description = models.TextField(_("description"), blank=True, max_length=1000)
    price_points = models.PositiveIntegerField(_("price in points"), default=0)
    price_fen = models.PositiveIntegerField(_("price in fen"), default=0)
    stock = models.PositiveIntegerField(_("in stock"), default=0)
    active = models.BooleanField(_("on sale"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["merchant", "name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.CheckConstraint(name="product_has_price", condition=Q(price_points__gt=0) | Q(price_fen__gt=0)),
            models.CheckConstraint(name="product_stock_not_negative", condition=Q(stock__gte=0)),
        ]

    def __str__(self) -> str:
        return self.name


class Order(models.Model):
    class Status(models.TextChoices):
        PAID = "paid", _("Paid, to redeem")
        REDEEMED = "redeemed", _("Redeemed")
        REFUNDED = "refunded", _("Refunded")

    community = models.ForeignKey(
        "places.Community", on_delete=models.PROTECT, related_name="orders", verbose_name=_("merchant's community")
    )
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="orders", verbose_name=_("merchant"))
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="orders", verbose_name=_("product"))
    resident = models.ForeignKey(
        "people.Resident", on_delete=models.PROTECT, related_name="orders", verbose_name=_("resident")
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    points = models.PositiveIntegerField(_("points"))
    fen = models.PositiveIntegerField(_("fen"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PAID)
    code = models.CharField(_("redemption code"), max_length=12, unique=True)
    payment = models.OneToOneField(Transaction, on_delete=models.PROTECT, related_name="order_paid")
    redemption = models.OneToOneField(
        Transaction, null=True, blank=True, on_delete=models.PROTECT, related_name="order_redeemed"
    )
    refund = models.OneToOneField(
        Transaction, null=True, blank=True, on_delete=models.PROTECT, related_name="order_refunded"
    )
    settlement = models.ForeignKey(
        "ledger.Settlement", null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    created_at = models.DateTimeField(_("ordered at"))
    redeemed_at = models.DateTimeField(_("redeemed at"), null=True, blank=True)
    redeemed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = pgettext_lazy("purchase order", "order")
        verbose_name_plural = _("orders")
        indexes = [
            models.Index(fields=["resident", "-created_at"]),
            models.Index(fields=["merchant", "status"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.product}"

    @property
    def cross_community(self) -> bool:
        return self.resident.community_id != self.community_id

    def can_redeem(self) -> bool:
        return self.status == self.Status.PAID

    def can_refund(self) -> bool:
        return self.status in (self.Status.PAID, self.Status.REDEEMED) and self.settlement_id is None


class Settlement(models.Model):
    """A merchant's statement: points accepted from redeemed orders, and the yuan a funding source paid for them."""

    community = models.ForeignKey(
        "places.Community", on_delete=models.PROTECT, related_name="settlements", verbose_name=_("community")
    )
    merchant = models.ForeignKey(
        Merchant, on_delete=models.PROTECT, related_name="settlements", verbose_name=_("merchant")
    )
    points = models.BigIntegerField(_("points accepted"))
    fen_per_point = models.PositiveIntegerField(_("value of one point (fen)"))
    fen = models.BigIntegerField(_("paid (fen)"))
    funding_code = models.CharField(_("paid by"), max_length=40, choices=FundingCode.choices)
    transaction = models.OneToOneField(Transaction, on_delete=models.PROTECT, related_name="settlement")
    period_end = models.DateTimeField(_("orders redeemed up to"))
    created_at = models.DateTimeField(_("settled at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")

    def __str__(self) -> str:
        return f"{self.merchant} {self.created_at:%Y-%m-%d}"
