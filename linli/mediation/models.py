"""矛盾调解: private cases between neighbours, handled by mediators of the community's team (e.g. 柿宜解).

A case, its parties, sessions, notes, agreement and follow-ups are seen only by its parties and its mediators.
Every read goes through `linli.mediation.selectors`; outside them the case exists only in aggregate counts.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Mediator(models.Model):
    """A member of the community's mediation team."""

    community = models.ForeignKey(
        "places.Community", on_delete=models.CASCADE, related_name="mediators", verbose_name=_("community")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mediator_roles", verbose_name=_("account")
    )
    team = models.CharField(_("team"), max_length=40, default="柿宜解")
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("mediator")
        verbose_name_plural = _("mediators")
        constraints = [models.UniqueConstraint(fields=["community", "user"], name="uniq_mediator")]

    def __str__(self) -> str:
        return f"{self.user} ({self.team})"


class CaseKind(models.TextChoices):
    NEIGHBOUR = "neighbour", _("Between neighbours")
    PROPERTY = "property", _("With the property company")
    FAMILY = "family", _("Within a family")
    OTHER = "other", _("Other")


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("mediation case status", "Open")
        MEDIATING = "mediating", _("Mediating")
        AGREED = "agreed", _("Agreement reached")
        CLOSED = "closed", pgettext_lazy("mediation case status", "Closed")

    community = models.ForeignKey(
        "places.Community", on_delete=models.CASCADE, related_name="mediation_cases", verbose_name=_("community")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=CaseKind.choices, default=CaseKind.NEIGHBOUR)
    title = models.CharField(_("subject"), max_length=120)
    summary = models.TextField(_("what happened"), max_length=4000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    resolved = models.BooleanField(_("resolved"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("mediation case")
        verbose_name_plural = _("mediation cases")

    def __str__(self) -> str:
        return f"#{self.pk}"

    def can_take_sessions(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.MEDIATING)

    def can_reach_agreement(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.MEDIATING)

    def can_be_followed_up(self) -> bool:
        return self.status == self.Status.AGREED

    def can_be_closed(self) -> bool:
        return self.status != self.Status.CLOSED


class CaseParty(models.Model):
    class Side(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        RESPONDENT = "respondent", _("Respondent")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties", verbose_name=_("case"))
    resident = models.ForeignKey(
        "people.Resident", on_delete=models.PROTECT, related_name="mediation_parties", verbose_name=_("resident")
    )
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [models.UniqueConstraint(fields=["case", "resident"], name="uniq_case_party")]

    def __str__(self) -> str:
        return f"{self.resident} ({self.get_side_display()})"


class CaseMediator(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mediators", verbose_name=_("case"))
    mediator = models.ForeignKey(Mediator, on_delete=models.PROTECT, related_name="cases", verbose_name=_("mediator"))
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("assigned mediator")
        verbose_name_plural = _("assigned mediators")
        constraints = [models.UniqueConstraint(fields=["case", "mediator"], name="uniq_case_mediator")]

    def __str__(self) -> str:
        return str(self.mediator)


class Session(models.Model):
    """A mediation meeting, e.g. in the 居民会客厅."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("case"))
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=120)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = pgettext_lazy("mediation session", "session")
        verbose_name_plural = pgettext_lazy("mediation session", "sessions")

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} {self.place}"


class Note(models.Model):
    """What was said or done; seen by the case's parties and mediators only."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes", verbose_name=_("case"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    text = models.TextField(pgettext_lazy("case record", "note"), max_length=4000)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = pgettext_lazy("case record", "note")
        verbose_name_plural = _("notes")

    def __str__(self) -> str:
        return f"#{self.pk}"


class Agreement(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="agreement", verbose_name=_("case"))
    text = models.TextField(_("agreement"), max_length=4000)
    agreed_at = models.DateTimeField(_("agreed at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self) -> str:
        return f"#{self.case_id}"


class FollowUp(models.Model):
    class Outcome(models.TextChoices):
        KEPT = "kept", _("The agreement is kept")
        BROKEN = "broken", _("The agreement is not kept")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("case"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    text = models.TextField(_("follow-up"), max_length=2000)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return f"#{self.pk}"
