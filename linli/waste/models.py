"""Waste-sorting checks: an inspector looks at a household's bins and records the result on a phone. A correct
result earns the household points by the community's rule (`waste_sorting`), through the ledger."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SortingCheck(models.Model):
    class Result(models.TextChoices):
        CORRECT = "correct", _("Sorted correctly")
        PARTLY = "partly", _("Partly sorted")
        WRONG = "wrong", _("Not sorted")

    community = models.ForeignKey(
        "places.Community", on_delete=models.CASCADE, related_name="sorting_checks", verbose_name=_("community")
    )
    household = models.ForeignKey(
        "places.Household", on_delete=models.CASCADE, related_name="sorting_checks", verbose_name=_("household")
    )
    checked_on = models.DateField(_("checked on"))
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("checked by")
    )
    awarded_to = models.ForeignKey(
        "people.Resident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("points to"),
    )
    points = models.PositiveIntegerField(_("points"), default=0)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-checked_on", "-id"]
        verbose_name = _("waste-sorting check")
        verbose_name_plural = _("waste-sorting checks")
        constraints = [
            models.UniqueConstraint(fields=["household", "checked_on"], name="uniq_sorting_check_per_day"),
        ]
        indexes = [models.Index(fields=["community", "checked_on"])]

    def __str__(self) -> str:
        return f"{self.household} {self.checked_on} {self.result}"
