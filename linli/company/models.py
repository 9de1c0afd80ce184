"""The community company (强社公司) and its operating statement.

The company's money is its ledger account (`funding_account(community, "community_company", "fen")`). Each
posting to it from a space's revenue (bookings, canteen, marketplace commission) or from it in support of a
space is one ledger transaction, and one `Posting` row here says which space, which nature and which source
the transaction belongs to. The statement groups the account's ledger entries by those rows."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Nature(models.TextChoices):
    EARNING = "earning", _("Earning (经营性)")
    AFFORDABLE = "affordable", _("Affordable (普惠性)")
    FREE = "free", _("Free public good (公益性)")


class Source(models.TextChoices):
    """What a posting is for. Revenue sources bring money into the company's account, expense sources (and
    support to a space) take it out; `REVENUE_SOURCES` and `EXPENSE_SOURCES` say which, whatever the sign of
    an entry (a reversal of revenue is less revenue, not an expense)."""

    BOOKINGS = "bookings", pgettext_lazy("income source", "Bookings")
    CANTEEN = "canteen", _("Canteen (diners)")
    CANTEEN_SUBSIDY = "canteen_subsidy", _("Canteen (meal subsidies)")
    MARKETPLACE = "marketplace", _("Marketplace commission")
    RENT = "rent", _("Shop and space rent")
    CHILDCARE = "childcare", _("Childcare fees")
    TICKETS = "tickets", _("Event tickets")
    SERVICE_FEES = "service_fees", _("Service fees")
    COMMISSION = "commission", _("Commissions")
    OTHER_INCOME = "other_income", _("Other income")
    SUPPORT = "support", _("Support to a space")
    STAFF = "staff", _("Staff")
    UTILITIES = "utilities", _("Utilities")
    MAINTENANCE = "maintenance", _("Repairs and maintenance")
    SUPPLIES = "supplies", _("Supplies")
    OTHER_EXPENSE = "other_expense", _("Other expenses")


EXPENSE_SOURCES = frozenset(
    {
        Source.SUPPORT,
        Source.STAFF,
        Source.UTILITIES,
        Source.MAINTENANCE,
        Source.SUPPLIES,
        Source.OTHER_EXPENSE,
    }
)
REVENUE_SOURCES = frozenset(set(Source) - EXPENSE_SOURCES)
# What an accountant posts by hand from the books page (the others are posted by the daily collection).
MANUAL_REVENUE = (
    Source.RENT,
    Source.CHILDCARE,
    Source.TICKETS,
    Source.SERVICE_FEES,
    Source.COMMISSION,
    Source.OTHER_INCOME,
)
MANUAL_EXPENSE = (Source.STAFF, Source.UTILITIES, Source.MAINTENANCE, Source.SUPPLIES, Source.OTHER_EXPENSE)


class CompanySettings(models.Model):
    community = models.OneToOneField("places.Community", on_delete=models.CASCADE, related_name="company_settings")
    commission_bps = models.PositiveIntegerField(
        _("marketplace commission (basis points)"), default=500, help_text=_("500 = 5% of each yuan sold.")
    )
    marketplace_facility = models.ForeignKey(
        "facilities.Facility",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("space of the marketplace (e.g. 小北鲜市)"),
    )
    shared_use_fen = models.PositiveIntegerField(
        _("charge per use of a space by another community's resident (fen)"),
        default=0,
        help_text=_("What the resident's community owes in the monthly 共富 settlement; 0: nothing."),
    )

    class Meta:
        verbose_name = _("company settings")
        verbose_name_plural = _("company settings")

    def __str__(self) -> str:
        return f"{self.community}"


class Posting(models.Model):
    community = models.ForeignKey("places.Community", on_delete=models.PROTECT, related_name="company_postings")
    transaction = models.OneToOneField("ledger.Transaction", on_delete=models.PROTECT, related_name="company_posting")
    facility = models.ForeignKey(
        "facilities.Facility", null=True, blank=True, on_delete=models.PROTECT, related_name="company_postings"
    )
    nature = models.CharField(_("nature"), max_length=12, choices=Nature.choices)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    day = models.DateField(_("day"))
    items = models.PositiveIntegerField(_("items (bookings, meals, orders)"), default=0)
    counterparty = models.CharField(_("counterparty"), max_length=80, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    evidence = models.FileField(_("evidence (invoice, receipt)"), upload_to="company/evidence/%Y/%m/", blank=True)
    reverses = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["community", "-day", "pk"]
        verbose_name = _("company posting")
        verbose_name_plural = _("company postings")
        indexes = [models.Index(fields=["community", "day"])]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.day}"

    @property
    def is_expense(self) -> bool:
        return self.source in EXPENSE_SOURCES


class MonthClose(models.Model):
    """A month of the company's books closed: no posting dated in it is accepted any more."""

    community = models.ForeignKey("places.Community", on_delete=models.PROTECT, related_name="company_closes")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("closed at"))
    revenue_fen = models.BigIntegerField(_("revenue (fen)"))
    expense_fen = models.BigIntegerField(_("expenses and support (fen)"))

    class Meta:
        ordering = ["community", "-month"]
        verbose_name = _("closed month")
        verbose_name_plural = _("closed months")
        constraints = [models.UniqueConstraint(fields=["community", "month"], name="uniq_company_month_close")]

    def __str__(self) -> str:
        return f"{self.community} {self.month:%Y-%m}"


class Settlement(models.Model):
    """共富 settlement of one month between two communities (`first` has the lower id): what each side's
    residents bought in yuan and points at the other's merchants, and the uses of the other's spaces. Each
    side confirms or disputes it; once both confirm, the net is paid through the ledger between the two
    communities' pools (where the marketplace recorded the debt)."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("settlement", "Awaiting confirmation")
        DISPUTED = "disputed", pgettext_lazy("settlement", "Disputed")
        PAID = "paid", pgettext_lazy("settlement", "Paid")

    first = models.ForeignKey("places.Community", on_delete=models.PROTECT, related_name="+")
    second = models.ForeignKey("places.Community", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    # what the first community's residents owe the second, and the other way round
    first_fen = models.BigIntegerField(default=0)
    first_points = models.BigIntegerField(default=0)
    first_points_fen = models.BigIntegerField(default=0)
    first_uses = models.PositiveIntegerField(default=0)
    first_uses_fen = models.BigIntegerField(default=0)
    second_fen = models.BigIntegerField(default=0)
    second_points = models.BigIntegerField(default=0)
    second_points_fen = models.BigIntegerField(default=0)
    second_uses = models.PositiveIntegerField(default=0)
    second_uses_fen = models.BigIntegerField(default=0)
    first_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_confirmed_at = models.DateTimeField(null=True, blank=True)
    second_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    second_confirmed_at = models.DateTimeField(null=True, blank=True)
    disputed_by = models.ForeignKey(
        "places.Community", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dispute_reason = models.CharField(_("why disputed"), max_length=200, blank=True)
    transaction = models.OneToOneField(
        "ledger.Transaction", null=True, blank=True, on_delete=models.PROTECT, related_name="company_settlement"
    )
    created_at = models.DateTimeField(_("prepared at"))

    class Meta:
        ordering = ["-month", "first", "second"]
        verbose_name = _("共富 settlement")
        verbose_name_plural = _("共富 settlements")
        constraints = [
            models.UniqueConstraint(fields=["first", "second", "month"], name="uniq_company_settlement"),
            models.CheckConstraint(
                name="company_settlement_pair_ordered", condition=models.Q(first__lt=models.F("second"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first} ⇄ {self.second} {self.month:%Y-%m}"

    @property
    def first_owes_fen(self) -> int:
        return self.first_fen + self.first_points_fen + self.first_uses_fen

    @property
    def second_owes_fen(self) -> int:
        return self.second_fen + self.second_points_fen + self.second_uses_fen

    @property
    def net_fen(self) -> int:
        """Positive: the first community pays the second; negative: the other way round."""
        return self.first_owes_fen - self.second_owes_fen

    def side_of(self, community_id: int) -> str:
        return "first" if community_id == self.first_id else "second"
