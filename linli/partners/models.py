"""Community partners (社区合伙人): organisations and individuals who join in, enterprise pairing (社企结对),
and partnership projects with what each side contributes and what came of it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.core.scenarios import Scenario


class PartnerKind(models.TextChoices):
    RESOURCES = "resources", _("Resources (资源性)")
    CHARITY = "charity", _("Charity (公益性)")
    CO_BUILDING = "co_building", _("Co-building (共建性)")
    PROJECT = "project", _("Project (项目性)")


class Partner(models.Model):
    class Entity(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise")
        SOCIAL_ORG = "social_org", _("Social organisation")
        PUBLIC_BODY = "public_body", _("Public institution")
        INDIVIDUAL = "individual", _("Individual")

    community = models.ForeignKey(
        "places.Community", on_delete=models.PROTECT, related_name="partners", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind of partnership"), max_length=12, choices=PartnerKind.choices)
    entity = models.CharField(_("entity"), max_length=12, choices=Entity.choices, default=Entity.ENTERPRISE)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    contact_name = models.CharField(_("contact"), max_length=40, blank=True)
    contact_mobile = models.CharField(_("contact mobile"), max_length=11, blank=True)
    resident = models.ForeignKey(
        "people.Resident",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partnerships",
        verbose_name=_("resident (individual partner)"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="partner_memberships",
        verbose_name=_("staff and representatives"),
        help_text=_("Accounts that act for this partner. They may not review the partner's fund applications."),
    )
    joined_on = models.DateField(_("joined on"))
    active = models.BooleanField(_("active"), default=True)
    ended_on = models.DateField(
        _("left on"),
        null=True,
        blank=True,
        help_text=_("The day the partnership ended; empty while it is active (or if it ended before this was kept)."),
    )

    class Meta:
        ordering = ["community", "name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="uniq_partner_name"),
            models.CheckConstraint(
                condition=Q(active=False) | Q(ended_on__isnull=True), name="partner_active_has_not_ended"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Pairing(models.Model):
    """社企结对: an enterprise paired with the community for regular help (relief, elderly care, governance…)."""

    community = models.ForeignKey("places.Community", on_delete=models.PROTECT, related_name="pairings")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="pairings", verbose_name=_("partner"))
    areas = models.CharField(_("areas of help"), max_length=200)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["community", "-since"]
        verbose_name = _("enterprise pairing")
        verbose_name_plural = _("enterprise pairings")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "partner"], condition=Q(until__isnull=True), name="uniq_open_pairing"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} · {self.areas}"


class Project(models.Model):
    """A partnership project (合伙项目): led by one partner, possibly with others, with contributions and outcomes."""

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("partnership project", "Planned")
        RUNNING = "running", pgettext_lazy("partnership project", "Running")
        DONE = "done", pgettext_lazy("partnership project", "Done")

    community = models.ForeignKey("places.Community", on_delete=models.PROTECT, related_name="partner_projects")
    title = models.CharField(_("title"), max_length=100)
    lead = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="led_projects", verbose_name=_("lead"))
    co_partners = models.ManyToManyField(
        Partner, blank=True, related_name="joined_projects", verbose_name=_("other partners")
    )
    scenario = models.CharField(_("scenario"), max_length=20, choices=Scenario.choices)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PLANNED)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    outcomes = models.TextField(_("outcomes"), blank=True, max_length=4000)
    beneficiaries = models.PositiveIntegerField(_("people served"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["community", "-starts_on", "pk"]
        verbose_name = _("partnership project")
        verbose_name_plural = _("partnership projects")

    def __str__(self) -> str:
        return self.title


class Contribution(models.Model):
    """What one side puts into a project: money (fen), goods, services, space or volunteers. Recorded as
    pledged, then marked delivered (on a date) or withdrawn (with the reason); a withdrawn pledge counts for
    nothing but stays on record."""

    class Kind(models.TextChoices):
        MONEY = "money", pgettext_lazy("contribution", "Money")
        GOODS = "goods", pgettext_lazy("contribution", "Goods")
        SERVICES = "services", pgettext_lazy("contribution", "Services")
        SPACE = "space", pgettext_lazy("contribution", "Space")
        VOLUNTEERS = "volunteers", pgettext_lazy("contribution", "Volunteers")

    class Status(models.TextChoices):
        PLEDGED = "pledged", pgettext_lazy("contribution", "Pledged")
        DELIVERED = "delivered", pgettext_lazy("contribution", "Delivered")
        WITHDRAWN = "withdrawn", pgettext_lazy("contribution", "Withdrawn")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="contributions")
    partner = models.ForeignKey(
        Partner,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name=_("by partner (empty: the community)"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    description = models.CharField(_("what"), max_length=200)
    value_fen = models.PositiveBigIntegerField(_("value (fen)"), default=0)
    quantity = models.PositiveIntegerField(_("quantity (hours, items, m²…)"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLEDGED)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("why withdrawn"), max_length=200, blank=True)

    class Meta:
        ordering = ["project", "pk"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")

    def __str__(self) -> str:
        return self.description
