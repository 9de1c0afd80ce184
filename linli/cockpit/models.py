"""Monthly indicator values: snapshots computed by a scheduled job, and values entered by staff with evidence."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Snapshot(models.Model):
    """Everything a cockpit screen shows for one community and month, computed ahead of time."""

    community = models.ForeignKey(
        "places.Community", on_delete=models.CASCADE, related_name="cockpit_snapshots", verbose_name=_("community")
    )
    month = models.DateField(_("month"), help_text=_("First day of the month."))
    values = models.JSONField(_("indicator values"), default=dict)
    figures = models.JSONField(_("figures"), default=dict)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["community", "-month"]
        verbose_name = _("cockpit snapshot")
        verbose_name_plural = _("cockpit snapshots")
        constraints = [models.UniqueConstraint(fields=["community", "month"], name="uniq_snapshot_month")]
        indexes = [models.Index(fields=["month", "community"])]

    def __str__(self) -> str:
        return f"{self.community} {self.month:%Y-%m}"


class IndicatorEntry(models.Model):
    """A value entered by staff for an indicator the records cannot compute. Rows are only added: the latest counts."""

    community = models.ForeignKey(
        "places.Community", on_delete=models.CASCADE, related_name="indicator_entries", verbose_name=_("community")
    )
    code = models.CharField(_("indicator"), max_length=60)
    month = models.DateField(_("month"))
    value = models.FloatField(_("value"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by")
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        ordering = ["-entered_at", "-id"]
        verbose_name = _("indicator entry")
        verbose_name_plural = _("indicator entries")
        indexes = [models.Index(fields=["community", "code", "month"])]

    def __str__(self) -> str:
        return f"{self.code} {self.month:%Y-%m} = {self.value}"


def evidence_path(instance: "Evidence", filename: str) -> str:
    return f"cockpit/evidence/{instance.entry.community_id}/{instance.entry.code}/{filename}"


class Evidence(models.Model):
    entry = models.ForeignKey(
        IndicatorEntry, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("entry")
    )
    file = models.FileField(_("file"), upload_to=evidence_path)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.file.name

    @property
    def name(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]
