"""The community company (强社公司) and its operating statement.

The company's money is its ledger account (`funding_account(community, "community_company", "fen")`). Each
posting to it from a space's revenue (bookings, canteen, marketplace commission) or from it in support of a
space is one ledger transaction, and one `Posting` row here says which space, which nature and which source
the transaction belongs to. The statement groups the account's ledger entries by those rows."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Nature(models.TextChoices):
    EARNING = "earning", _("Earning (经营性)")
    AFFORDABLE = "affordable", _("Affordable (普惠性)")
    FREE = "free", _("Free public good (公益性)")


class Source(models.TextChoices):
    BOOKINGS = "bookings", pgettext_lazy("income source", "Bookings")
    CANTEEN = "canteen", _("Canteen (diners)")
    CANTEEN_SUBSIDY = "canteen_subsidy", _("Canteen (meal subsidies)")
    MARKETPLACE = "marketplace", _("Marketplace commission")
    SUPPORT = "support", _("Support to a space")


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

    class Meta:
        ordering = ["community", "-day", "pk"]
        verbose_name = _("company posting")
        verbose_name_plural = _("company postings")
        indexes = [models.Index(fields=["community", "day"])]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.day}"
