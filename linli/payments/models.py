"""Payments in yuan through a provider (the service counter, an online gateway): one row per payment intent, its
refunds, and the daily reconciliation with the provider's statement. The money itself moves only in the ledger;
these rows say why, and hold the provider's side of the story (its trade number, its notifications)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Purpose(models.TextChoices):
    MARKETPLACE = "marketplace", _("街坊汇 order")
    BOOKING = "booking", _("Booking fee")
    CANTEEN = "canteen", _("Canteen meal")
    COURSE = "course", _("Class fee")
    TOPUP = "topup", _("Stored value top-up")


class Method(models.TextChoices):
    ONLINE = "online", _("Online (scanned QR code)")
    CASH = "cash", _("Cash")
    CARD = "card", _("Bank card")
    SCANNED = "scanned", _("Payment code scanned at the counter")


class Payment(models.Model):
    class Status(models.TextChoices):
        CREATED = "created", _("Awaiting payment")
        PAID = "paid", pgettext_lazy("payment", "Paid")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
        REFUNDED = "refunded", _("Refunded")
        CLOSED = "closed", _("Closed unpaid")

    community = models.ForeignKey(
        "places.Community", on_delete=models.PROTECT, related_name="payments", verbose_name=_("community")
    )
    payer = models.ForeignKey(
        "people.Resident", on_delete=models.PROTECT, related_name="payments", verbose_name=_("payer")
    )
    purpose = models.CharField(_("paid for"), max_length=12, choices=Purpose.choices)
    product = models.ForeignKey(
        "ledger.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    order = models.OneToOneField(
        "ledger.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="yuan_payment"
    )
    # what a booking, class or meal payment pays for: the booking's, enrolment's or meal order's id (see purposes)
    subject_id = models.PositiveBigIntegerField(_("paid for (id)"), null=True, blank=True)
    description = models.CharField(_("description"), max_length=120)
    amount_fen = models.PositiveIntegerField(_("amount (fen)"))
    refunded_fen = models.PositiveIntegerField(_("refunded (fen)"), default=0)
    provider = models.CharField(_("payment provider"), max_length=20)
    method = models.CharField(_("payment method"), max_length=10, choices=Method.choices, default=Method.ONLINE)
    out_trade_no = models.CharField(_("our trade number"), max_length=32, unique=True)
    provider_trade_no = models.CharField(_("provider's trade number"), max_length=64, blank=True)
    receipt_no = models.CharField(_("receipt number"), max_length=32, blank=True)
    code_url = models.CharField(_("QR code content"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CREATED)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("created at"))
    paid_at = models.DateTimeField(_("payment received at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("payment closed at"), null=True, blank=True)
    transaction = models.OneToOneField(
        "ledger.Transaction", null=True, blank=True, on_delete=models.PROTECT, related_name="yuan_payment"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = pgettext_lazy("money paid", "payment")
        verbose_name_plural = pgettext_lazy("money paid", "payments")
        constraints = [
            models.CheckConstraint(name="payment_amount_positive", condition=Q(amount_fen__gt=0)),
            models.CheckConstraint(
                name="payment_refund_within_amount", condition=Q(refunded_fen__lte=models.F("amount_fen"))
            ),
            models.UniqueConstraint(
                fields=["community", "receipt_no"], name="uniq_payment_receipt", condition=~Q(receipt_no="")
            ),
            # one live payment per booking, class or meal: a second is refused until the first is closed
            models.UniqueConstraint(
                fields=["purpose", "subject_id"],
                name="uniq_payment_subject",
                condition=Q(subject_id__isnull=False) & ~Q(status="closed"),
            ),
        ]
        indexes = [
            models.Index(fields=["community", "provider", "paid_at"]),
            models.Index(fields=["payer", "-created_at"]),
        ]

    def __str__(self) -> str:
        return self.out_trade_no

    @property
    def described(self) -> str:
        """What the payment paid for, in the active language, as `descriptions.describe` set it for the rows read
        (the selectors do); before that, what the payment keeps: names and days in no one's language."""
        return str(self.__dict__.get("_described", self.description))

    @described.setter
    def described(self, text: str) -> None:
        self.__dict__["_described"] = text


class Refund(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Refund requested")
        SUCCEEDED = "succeeded", _("Refunded")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("payment"))
    out_refund_no = models.CharField(_("refund number"), max_length=40, unique=True)
    amount_fen = models.PositiveIntegerField(_("amount (fen)"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    transaction = models.OneToOneField("ledger.Transaction", on_delete=models.PROTECT, related_name="yuan_refund")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("created at"))
    succeeded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = pgettext_lazy("money paid back", "refund")
        verbose_name_plural = pgettext_lazy("money paid back", "refunds")
        constraints = [models.CheckConstraint(name="refund_amount_positive", condition=Q(amount_fen__gt=0))]

    def __str__(self) -> str:
        return self.out_refund_no


class Reconciliation(models.Model):
    """One day's statement from one provider, compared line by line with our payments and refunds."""

    community = models.ForeignKey(
        "places.Community",
        on_delete=models.PROTECT,
        related_name="payment_reconciliations",
        verbose_name=_("community"),
    )
    provider = models.CharField(_("payment provider"), max_length=20)
    day = models.DateField(_("day"))
    lines = models.PositiveIntegerField(_("statement lines"))
    matched = models.PositiveIntegerField(_("lines that agree"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("imported at"))

    class Meta:
        ordering = ["-day", "-pk"]
        verbose_name = _("reconciliation")
        verbose_name_plural = _("reconciliations")
        constraints = [models.UniqueConstraint(fields=["community", "provider", "day"], name="uniq_reconciliation_day")]

    def __str__(self) -> str:
        return f"{self.provider} {self.day}"


class Difference(models.Model):
    class Kind(models.TextChoices):
        MISSING_OURS = "missing_ours", _("On the statement, not in our records")
        MISSING_THEIRS = "missing_theirs", _("In our records, not on the statement")
        AMOUNT = "amount", _("Amounts differ")

    reconciliation = models.ForeignKey(Reconciliation, on_delete=models.CASCADE, related_name="differences")
    kind = models.CharField(_("difference"), max_length=16, choices=Kind.choices)
    trade_no = models.CharField(_("trade or refund number"), max_length=40)
    ours_fen = models.BigIntegerField(_("our amount (fen)"))
    theirs_fen = models.BigIntegerField(_("statement amount (fen)"))
    transaction = models.OneToOneField(
        "ledger.Transaction", on_delete=models.PROTECT, related_name="payment_difference"
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("difference")
        verbose_name_plural = _("differences")

    def __str__(self) -> str:
        return f"{self.kind} {self.trade_no}"

    @property
    def difference_fen(self) -> int:
        return self.theirs_fen - self.ours_fen


MAX_STORED_VALUE_LIMIT_FEN = 500_000  # ¥5,000: the cap on a named prepaid balance (单用途预付卡, 记名卡)


class StoredValuePolicy(models.Model):
    """Whether a community lets its residents keep a yuan balance (储值) topped up through a payment provider, and
    the most one resident may hold. Without a row, stored value is off."""

    community = models.OneToOneField(
        "places.Community", on_delete=models.CASCADE, related_name="stored_value_policy", verbose_name=_("community")
    )
    enabled = models.BooleanField(_("residents may top up a balance"), default=False)
    limit_fen = models.PositiveIntegerField(_("most one resident may hold (fen)"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    updated_at = models.DateTimeField(_("changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("stored value policy")
        verbose_name_plural = _("stored value policies")
        constraints = [
            models.CheckConstraint(
                name="stored_value_limit_range", condition=Q(limit_fen__lte=MAX_STORED_VALUE_LIMIT_FEN)
            )
        ]

    def __str__(self) -> str:
        return f"{self.community_id}: {self.limit_fen if self.enabled else 'off'}"


class GatewayTrade(models.Model):
    """The simulated gateway's own books (what a real gateway keeps on its side): a trade per prepay order and
    a row per refund. Only `providers.simulated` reads and writes it."""

    class State(models.TextChoices):
        NOTPAY = "NOTPAY", "NOTPAY"
        SUCCESS = "SUCCESS", "SUCCESS"
        CLOSED = "CLOSED", "CLOSED"
        REFUND = "REFUND", "REFUND"

    mch_id = models.CharField(max_length=40)
    out_trade_no = models.CharField(max_length=40)
    out_refund_no = models.CharField(max_length=40, blank=True)
    transaction_id = models.CharField(max_length=64, unique=True)
    amount_fen = models.PositiveIntegerField()
    description = models.CharField(max_length=120, blank=True)
    notify_url = models.CharField(max_length=200)
    state = models.CharField(max_length=8, choices=State.choices, default=State.NOTPAY)
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["out_trade_no"], name="uniq_gateway_trade", condition=Q(out_refund_no="")),
            models.UniqueConstraint(
                fields=["out_refund_no"], name="uniq_gateway_refund", condition=~Q(out_refund_no="")
            ),
        ]

    def __str__(self) -> str:
        return self.transaction_id
