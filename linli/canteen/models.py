"""The elderly canteen (老年食堂): daily menus, meal orders, age-tiered price rules, and who paid what.

Each order's price is split into charge rows, one per payer (the resident, or a funding source by code).
Rows are only appended: cancelling an order appends reversing rows. Each funding row is exactly one
ledger transfer (`linli.ledger.services.money_transfer`) from `funding_account(community, payer)`, keyed by
`MealCharge.key`, so posting to the ledger later is one call per row and safe to repeat.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.ledger.codes import FundingCode

RESIDENT_PAYER = "resident"


class Payer(models.TextChoices):
    """The resident, or one of the ledger's funding sources (`FundingCode`, with the same codes and names)."""

    RESIDENT = RESIDENT_PAYER, _("Resident")
    ECONOMIC_COOPERATIVE = FundingCode.ECONOMIC_COOPERATIVE.value, FundingCode.ECONOMIC_COOPERATIVE.label
    STREET = FundingCode.STREET.value, FundingCode.STREET.label
    CHARITY = FundingCode.CHARITY.value, FundingCode.CHARITY.label
    GOVERNMENT_SUBSIDY = FundingCode.GOVERNMENT_SUBSIDY.value, FundingCode.GOVERNMENT_SUBSIDY.label
    COMMUNITY_FUND = FundingCode.COMMUNITY_FUND.value, FundingCode.COMMUNITY_FUND.label
    COMMUNITY_COMPANY = FundingCode.COMMUNITY_COMPANY.value, FundingCode.COMMUNITY_COMPANY.label


FUNDING_PAYERS = [p for p in Payer if p != Payer.RESIDENT]


class PriceRule(models.Model):
    """From `min_age` on (and, for a trial, between two dates) the diner pays `resident_fen`; `payer` pays the rest.

    Of all rules that apply to a diner on a day, the one that leaves the diner the least to pay wins
    (on a tie, the more specific: a dated rule, then the higher age)."""

    community = models.ForeignKey("places.Community", on_delete=models.CASCADE, related_name="canteen_price_rules")
    canteen = models.ForeignKey(
        "facilities.Facility", on_delete=models.CASCADE, related_name="canteen_price_rules", verbose_name=_("canteen")
    )
    label = models.CharField(_("label"), max_length=60)
    min_age = models.PositiveSmallIntegerField(_("from age"), default=0)
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    resident_fen = models.PositiveIntegerField(_("diner pays (fen)"))
    payer = models.CharField(_("rest paid by"), max_length=24, choices=[(p.value, p.label) for p in FUNDING_PAYERS])
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["canteen", "min_age", "pk"]
        verbose_name = _("canteen price rule")
        verbose_name_plural = _("canteen price rules")
        constraints = [
            models.CheckConstraint(
                name="canteen_rule_dates_ordered",
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Menu(models.Model):
    class Meal(models.TextChoices):
        BREAKFAST = "breakfast", _("Breakfast")
        LUNCH = "lunch", _("Lunch")
        DINNER = "dinner", _("Dinner")

    community = models.ForeignKey("places.Community", on_delete=models.CASCADE, related_name="canteen_menus")
    canteen = models.ForeignKey(
        "facilities.Facility", on_delete=models.CASCADE, related_name="menus", verbose_name=_("canteen")
    )
    day = models.DateField(_("day"))
    meal = models.CharField(_("meal"), max_length=10, choices=Meal.choices, default=Meal.LUNCH)
    dishes = models.TextField(_("dishes"), help_text=_("One dish per line."))
    price_fen = models.PositiveIntegerField(_("price (fen)"))
    capacity = models.PositiveIntegerField(_("portions"))
    ordered = models.PositiveIntegerField(_("ordered"), default=0)
    order_until = models.TimeField(_("order until"), help_text=_("Orders close at this time on the day."))
    serve_from = models.TimeField(_("served from"), null=True, blank=True)
    serve_until = models.TimeField(_("served until"), null=True, blank=True)
    withdrawn = models.BooleanField(pgettext_lazy("canteen menu", "withdrawn"), default=False)

    class Meta:
        ordering = ["day", "meal", "canteen"]
        verbose_name = _("menu")
        verbose_name_plural = _("menus")
        constraints = [
            models.UniqueConstraint(
                fields=["canteen", "day", "meal"], condition=Q(withdrawn=False), name="uniq_menu_per_meal"
            ),
            models.CheckConstraint(name="menu_ordered_within_capacity", condition=Q(ordered__lte=models.F("capacity"))),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.get_meal_display()}"

    @property
    def serving(self) -> str:
        """The serving time as residents read it, e.g. "11:00–12:30" ("" when the canteen has not said)."""
        if self.serve_from is None or self.serve_until is None:
            return ""
        return f"{self.serve_from:%H:%M}–{self.serve_until:%H:%M}"

    @property
    def dish_list(self) -> list[str]:
        return [d.strip() for d in self.dishes.splitlines() if d.strip()]

    @property
    def left(self) -> int:
        return max(0, self.capacity - self.ordered)


class MealOrder(models.Model):
    class Status(models.TextChoices):
        ORDERED = "ordered", _("Ordered")
        SERVED = "served", _("Served")
        CANCELLED = "cancelled", _("Cancelled")

    community = models.ForeignKey("places.Community", on_delete=models.CASCADE, related_name="meal_orders")
    menu = models.ForeignKey(Menu, on_delete=models.PROTECT, related_name="orders", verbose_name=_("menu"))
    resident = models.ForeignKey(
        "people.Resident", on_delete=models.PROTECT, related_name="meal_orders", verbose_name=_("diner")
    )
    ordered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ORDERED)
    age = models.PositiveSmallIntegerField(_("age on the day"))
    rule = models.ForeignKey(PriceRule, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    price_fen = models.PositiveIntegerField(_("price (fen)"))
    resident_fen = models.PositiveIntegerField(_("diner pays (fen)"))
    created_at = models.DateTimeField(_("ordered at"))
    served_at = models.DateTimeField(null=True, blank=True)
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["menu", "created_at", "pk"]
        verbose_name = _("meal order")
        verbose_name_plural = _("meal orders")
        constraints = [
            models.UniqueConstraint(
                fields=["menu", "resident"],
                condition=Q(status__in=["ordered", "served"]),
                name="uniq_meal_order_per_diner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident} · {self.menu}"

    @property
    def subsidy_fen(self) -> int:
        return self.price_fen - self.resident_fen

    @property
    def age_by_year(self) -> int:
        """The diner's age by calendar year on the meal's day: what staff who may not see birth dates are shown, as
        day sheets read one after another would otherwise tell the birthday (docs/privacy.md)."""
        return self.menu.day.year - self.resident.birth_date.year


class MealCharge(models.Model):
    """Who pays what for one meal: one row per payer, appended only; a reversal carries the negative amount."""

    community = models.ForeignKey("places.Community", on_delete=models.CASCADE, related_name="meal_charges")
    order = models.ForeignKey(MealOrder, on_delete=models.PROTECT, related_name="charges")
    day = models.DateField(_("day"))
    payer = models.CharField(_("payer"), max_length=24, choices=Payer.choices)
    amount_fen = models.IntegerField(_("amount (fen)"))
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    key = models.CharField(_("idempotency key"), max_length=60, unique=True)
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["day", "order", "pk"]
        verbose_name = _("meal charge")
        verbose_name_plural = _("meal charges")
        indexes = [models.Index(fields=["community", "payer", "day"])]

    def __str__(self) -> str:
        return f"{self.payer} {self.amount_fen}"
