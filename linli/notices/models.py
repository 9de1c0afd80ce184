"""Notices (社区公告 / 通知) from a street or a community to the residents it targets.

Who is targeted is fixed at publication as one `NoticeRecipient` row per resident, so read receipts, "who has not
read it" and the SMS that follow are simple queries on that table."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.people.ages import AgeTier

from .text import render_body


class Targeted(models.Model):
    """Whom a notice or a survey reaches, besides its communities: within a kind any may match; kinds combine."""

    target_neighbourhoods = models.ManyToManyField(
        "places.Neighbourhood", blank=True, related_name="+", verbose_name=_("neighbourhoods")
    )
    target_buildings = models.ManyToManyField(
        "places.Building", blank=True, related_name="+", verbose_name=_("buildings")
    )
    target_grids = models.ManyToManyField("places.Grid", blank=True, related_name="+", verbose_name=_("grids"))
    target_age_tiers = models.JSONField(_("age tiers"), default=list, blank=True)
    target_tags = models.ManyToManyField(
        "people.SensitiveTag", blank=True, related_name="+", verbose_name=_("sensitive tags")
    )

    class Meta:
        abstract = True

    def age_tier_labels(self) -> list[str]:
        labels = dict(AgeTier.choices)
        return [str(labels.get(t, t)) for t in self.target_age_tiers]


class Notice(Targeted):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SCHEDULED = "scheduled", _("scheduled")
        PUBLISHED = "published", _("published")
        WITHDRAWN = "withdrawn", _("withdrawn")

    street = models.ForeignKey(
        "places.Street", on_delete=models.PROTECT, related_name="notices", verbose_name=_("street")
    )
    community = models.ForeignKey(
        "places.Community",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
        verbose_name=_("community"),
        help_text=_("Empty when the street issues the notice."),
    )
    title = models.CharField(_("title"), max_length=80)
    body = models.TextField(_("text"), max_length=10_000)
    urgent = models.BooleanField(_("urgent"), default=False)
    pinned = models.BooleanField(_("pinned"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    # Targets: the communities here, the rest in `Targeted` (a building's 独居老人 = building AND tag).
    target_communities = models.ManyToManyField(
        "places.Community", blank=True, related_name="+", verbose_name=_("communities")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("author")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-pinned", "-published_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [
            models.Index(fields=["status", "publish_at"]),
            models.Index(fields=["community", "status"]),
            models.Index(fields=["street", "status"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def issuer_name(self) -> str:
        return self.community.name if self.community_id else self.street.name  # type: ignore[union-attr]

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def is_live(self) -> bool:
        return self.status == self.Status.PUBLISHED and not self.is_expired()

    def can_edit(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.SCHEDULED)

    def can_withdraw(self) -> bool:
        return self.status in (self.Status.SCHEDULED, self.Status.PUBLISHED)

    def body_html(self) -> str:
        return render_body(self.body)


def attachment_path(instance: "NoticeAttachment", filename: str) -> str:
    return f"notices/{instance.notice.street_id}/{instance.notice_id}/{filename}"


class NoticeAttachment(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", _("image")
        PDF = "pdf", _("PDF")

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=120)
    size = models.PositiveIntegerField(_("size"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class NoticeRecipient(models.Model):
    """One targeted resident of a published notice: when they opened it, and when an SMS was sent to them."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="recipients")
    resident = models.ForeignKey("people.Resident", on_delete=models.CASCADE, related_name="notice_receipts")
    community = models.ForeignKey("places.Community", on_delete=models.CASCADE, related_name="+")
    grid = models.ForeignKey("places.Grid", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    sms_sent_at = models.DateTimeField(_("SMS sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice recipient")
        verbose_name_plural = _("notice recipients")
        constraints = [models.UniqueConstraint(fields=["notice", "resident"], name="uniq_notice_recipient")]
        indexes = [
            models.Index(fields=["notice", "read_at"]),
            models.Index(fields=["notice", "grid", "read_at"]),
            models.Index(fields=["resident", "read_at"]),
            models.Index(fields=["read_at", "sms_sent_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.notice_id} → {self.resident_id}"


class SmsPreference(models.Model):
    """A resident with an account who asks to get notices by SMS too (those without an account always do)."""

    resident = models.OneToOneField("people.Resident", on_delete=models.CASCADE, related_name="notice_sms")
    by_sms = models.BooleanField(_("send me notices by SMS"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notice SMS preference")
        verbose_name_plural = _("notice SMS preferences")

    def __str__(self) -> str:
        return f"{self.resident_id}: {self.by_sms}"
