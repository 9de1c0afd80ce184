"""Childcare for 0–3 (托育): places by age group, applications by a parent for a child of the household, admission."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AgeGroup(models.Model):
    """托小班, 托大班…: children from `min_months` to `max_months` (exclusive) old, with a number of places."""

    community = models.ForeignKey("places.Community", on_delete=models.CASCADE, related_name="childcare_groups")
    facility = models.ForeignKey(
        "facilities.Facility", on_delete=models.PROTECT, related_name="childcare_groups", verbose_name=_("where")
    )
    name = models.CharField(_("name"), max_length=40)
    min_months = models.PositiveSmallIntegerField(_("from age (months)"), validators=[MaxValueValidator(36)])
    max_months = models.PositiveSmallIntegerField(_("to age (months)"), validators=[MaxValueValidator(36)])
    places = models.PositiveIntegerField(_("places"))
    admitted = models.PositiveIntegerField(_("admitted"), default=0)
    monthly_fee_fen = models.PositiveIntegerField(_("monthly fee (fen)"), default=0)
    open = models.BooleanField(_("taking applications"), default=True)

    class Meta:
        ordering = ["facility", "min_months"]
        verbose_name = _("childcare group")
        verbose_name_plural = _("childcare groups")
        constraints = [
            models.CheckConstraint(
                name="childcare_admitted_within_places", condition=Q(admitted__lte=models.F("places"))
            ),
            models.CheckConstraint(name="childcare_months_ordered", condition=Q(max_months__gt=models.F("min_months"))),
        ]

    def __str__(self) -> str:
        return f"{self.facility} · {self.name}"

    @property
    def free(self) -> int:
        return max(0, self.places - self.admitted)


class Application(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ADMITTED = "admitted", _("Admitted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    ACTIVE = (Status.SUBMITTED, Status.ADMITTED)

    community = models.ForeignKey("places.Community", on_delete=models.CASCADE, related_name="childcare_applications")
    group = models.ForeignKey(
        AgeGroup,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=pgettext_lazy("childcare class", "group"),
    )
    child = models.ForeignKey(
        "people.Resident", on_delete=models.PROTECT, related_name="childcare_applications", verbose_name=_("child")
    )
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    start_on = models.DateField(_("wanted from"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    created_at = models.DateTimeField(_("applied at"))
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["group", "created_at", "pk"]
        verbose_name = _("childcare application")
        verbose_name_plural = _("childcare applications")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "child"],
                condition=Q(status__in=["submitted", "admitted"]),
                name="uniq_active_childcare_application",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child} · {self.group}"
