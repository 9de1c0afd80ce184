"""Care visits (走访 / 探访) to residents the register tags as needing them (独居老人, 残疾人, 低保…).

The community sets how often each tag is visited; the care list is derived from the register, never stored.
Only the resident's grid steward, social workers and community admins see visits and referrals; every read of a
care record is audited (`services.care_record_viewed`).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

CADENCE_MAX_DAYS = 366


class Cadence(models.Model):
    """How often residents with one tag are visited in one community (e.g. 独居老人 every 7 days)."""

    community = models.ForeignKey(
        "places.Community", on_delete=models.CASCADE, related_name="care_cadences", verbose_name=_("community")
    )
    tag = models.ForeignKey(
        "people.SensitiveTag", on_delete=models.CASCADE, related_name="care_cadences", verbose_name=_("tag")
    )
    every_days = models.PositiveSmallIntegerField(
        _("visit every (days)"), validators=[MinValueValidator(1), MaxValueValidator(CADENCE_MAX_DAYS)]
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("set by")
    )
    updated_at = models.DateTimeField(_("set at"), default=timezone.now)

    class Meta:
        ordering = ["community", "tag__code"]
        verbose_name = _("visit cadence")
        verbose_name_plural = _("visit cadences")
        constraints = [models.UniqueConstraint(fields=["community", "tag"], name="uniq_care_cadence")]

    def __str__(self) -> str:
        return f"{self.tag} / {self.every_days}"


class VisitKind(models.TextChoices):
    HOME = "home", _("Home visit")
    PHONE = "phone", _("Phone call")


class Condition(models.TextChoices):
    GOOD = "good", pgettext_lazy("condition", "Good")
    FAIR = "fair", pgettext_lazy("condition", "Fair")
    ATTENTION = "attention", _("Needs attention")
    URGENT = "urgent", pgettext_lazy("condition", "Urgent")


class Need(models.TextChoices):
    DAILY_CARE = "daily_care", _("Daily care")
    HEALTH = "health", _("Health or medicine")
    MEALS = "meals", pgettext_lazy("care need", "Meals")
    HOME_REPAIR = "home_repair", _("Home repair or safety")
    COMPANY = "company", _("Company and emotional support")
    MONEY = "money", _("Financial hardship")
    OTHER = "other", _("Other need")


class Visit(models.Model):
    """One visit or call. A visit counts towards the cadence only when the resident was seen or reached."""

    community = models.ForeignKey(
        "places.Community", on_delete=models.CASCADE, related_name="care_visits", verbose_name=_("community")
    )
    resident = models.ForeignKey(
        "people.Resident", on_delete=models.CASCADE, related_name="care_visits", verbose_name=_("resident")
    )
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("visited by")
    )
    visited_at = models.DateTimeField(_("visited at"))
    kind = models.CharField(_("kind"), max_length=8, choices=VisitKind.choices, default=VisitKind.HOME)
    seen = models.BooleanField(_("seen or reached"), default=True)
    condition = models.CharField(_("condition"), max_length=10, choices=Condition.choices, blank=True)
    needs = models.JSONField(_("needs found"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=1000, blank=True)
    report = models.ForeignKey(
        "reports.Report",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("report made"),
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["-visited_at", "-pk"]
        verbose_name = _("care visit")
        verbose_name_plural = _("care visits")
        indexes = [
            models.Index(fields=["community", "visited_at"]),
            models.Index(fields=["resident", "visited_at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    def need_labels(self) -> list[str]:
        labels = dict(Need.choices)
        return [str(labels.get(code, code)) for code in self.needs]


class Referral(models.Model):
    """A need found on a visit, passed to the community's social workers (转介社工)."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("referral status", "Open")
        DONE = "done", pgettext_lazy("referral status", "Done")

    community = models.ForeignKey(
        "places.Community", on_delete=models.CASCADE, related_name="care_referrals", verbose_name=_("community")
    )
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="referrals", verbose_name=_("visit"))
    resident = models.ForeignKey(
        "people.Resident", on_delete=models.CASCADE, related_name="care_referrals", verbose_name=_("resident")
    )
    text = models.CharField(_("what is needed"), max_length=1000)
    status = models.CharField(_("status"), max_length=6, choices=Status.choices, default=Status.OPEN)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("referred by")
    )
    referred_at = models.DateTimeField(_("referred at"), default=timezone.now)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("done by"),
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    outcome = models.CharField(_("what was done"), max_length=1000, blank=True)

    class Meta:
        ordering = ["status", "-referred_at", "-pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [models.Index(fields=["community", "status"])]

    def __str__(self) -> str:
        return f"#{self.pk}"
