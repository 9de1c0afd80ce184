"""Planning runs (saved with the inputs they used, so a report can be reproduced) and candidate sites."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.core.models import Progress
from linli.places.models import lat_validators, lng_validators


class CandidateSite(models.Model):
    """A place where a new facility could go: an idle space staff registered, or any building."""

    class Kind(models.TextChoices):
        IDLE_SPACE = "idle_space", _("Idle space")
        BUILDING = "building", _("Building")
        GROUND_FLOOR = "ground_floor", _("Ground-floor shop")
        OTHER = "other", _("Other")

    community = models.ForeignKey(
        "places.Community", on_delete=models.CASCADE, related_name="candidate_sites", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.IDLE_SPACE)
    building = models.ForeignKey(
        "places.Building",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("building"),
    )
    lat = models.FloatField(_("latitude"), validators=lat_validators)
    lng = models.FloatField(_("longitude"), validators=lng_validators)
    floor_area_m2 = models.PositiveIntegerField(_("floor area (m²)"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    active = models.BooleanField(_("available"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["community", "name"]
        verbose_name = _("candidate site")
        verbose_name_plural = _("candidate sites")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="uniq_candidate_site_name")]

    def __str__(self) -> str:
        return self.name


class PlanRun(Progress):
    """One health check of a community or a whole street, run in the background."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    community = models.ForeignKey(
        "places.Community",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="plan_runs",
        verbose_name=_("community"),
    )
    street = models.ForeignKey(
        "places.Street",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="plan_runs",
        verbose_name=_("street"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress_message = models.CharField(max_length=120, blank=True)
    siting_category = models.CharField(_("site selection for"), max_length=40, blank=True)
    siting_k = models.PositiveSmallIntegerField(_("new sites"), default=0, validators=[MinValueValidator(0)])
    profile = models.CharField(
        _("walking profile"), max_length=40, blank=True, help_text=_("Empty: everyone, the network as it is.")
    )
    rules_text = models.TextField(_("rules used"))
    network_path = models.CharField(_("walking network file"), max_length=300)
    inputs = models.JSONField(_("inputs"), help_text=_("The buildings, facilities, communities and candidates used."))
    result = models.JSONField(_("result"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("planning run")
        verbose_name_plural = _("planning runs")
        constraints = [
            models.CheckConstraint(
                name="plan_run_scope_is_community_or_street",
                condition=Q(community__isnull=False, street__isnull=True)
                | Q(community__isnull=True, street__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.community or self.street} #{self.pk}"

    @property
    def scope_name(self) -> str:
        return str(self.community or self.street)

    @property
    def error_message(self) -> str:
        """Why the run failed, in the active language (the core's message, kept in the result)."""
        from .messages import translate

        detail = (self.result or {}).get("error") if isinstance(self.result, dict) else None
        return translate(detail) if detail else self.error

    @property
    def warning_messages(self) -> list[str]:
        """The run's warnings (dropped pieces of network, categories with no facility), in the active language."""
        from .messages import translate

        result = self.result if isinstance(self.result, dict) else {}
        details = result.get("warning_details")
        return [translate(d) for d in details] if details else list(result.get("warnings", []))


class HubStatus(models.TextChoices):
    NONE = "", _("Not asked")
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class CityRun(models.Model):
    """The health check of every community of a city (or of the streets a street admin runs), community by
    community in the background; a community done is kept, so a run that stopped resumes where it was."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    city = models.CharField(pgettext_lazy("name of a city", "city"), max_length=60)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    profile = models.CharField(
        _("walking profile"), max_length=40, blank=True, help_text=_("Empty: everyone, the network as it is.")
    )
    rules_text = models.TextField(_("rules used"))
    network_path = models.CharField(_("walking network file"), max_length=300)
    progress_message = models.CharField(max_length=120, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # New composite hubs (民生坊) placed across the run's communities once they are graded: the latest placement,
    # computed here; each one asked is also kept as a `HubPlacement` (dated, by whom), so an earlier one stays
    # readable. One left "running" by a worker that stopped is put back to waiting and redone.
    hub_category = models.CharField(_("composite facility placed"), max_length=40, blank=True)
    hub_count = models.PositiveSmallIntegerField(_("new hubs"), default=0)
    hub_status = models.CharField(
        _("hub placement"), max_length=10, choices=HubStatus.choices, default=HubStatus.NONE, blank=True
    )
    hub_result = models.JSONField(_("hub placement result"), null=True, blank=True)
    hub_error = models.JSONField(_("hub placement error"), null=True, blank=True)
    hub_computed_at = models.DateTimeField(_("hubs placed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("city health check")
        verbose_name_plural = _("city health checks")

    def __str__(self) -> str:
        return f"{self.city} #{self.pk}"

    @property
    def hub_error_message(self) -> str:
        from .messages import translate

        return translate(self.hub_error) if self.hub_error else ""

    def hubs_under_way(self) -> bool:
        return self.hub_status in (HubStatus.PENDING, HubStatus.RUNNING)


class CityRunCommunity(models.Model):
    """One community of a city run: waiting, done (with its row of the city table) or failed (with why)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    run = models.ForeignKey(CityRun, on_delete=models.CASCADE, related_name="communities", verbose_name=_("run"))
    community = models.ForeignKey(
        "places.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    row = models.JSONField(_("result"), null=True, blank=True, help_text=_("Coverage per class and item, index."))
    inputs_summary = models.JSONField(_("inputs"), default=dict, blank=True)
    error = models.JSONField(_("error"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)

    class Meta:
        ordering = ["run", "community__street__code", "community__code"]
        verbose_name = _("community of a city health check")
        verbose_name_plural = _("communities of a city health check")
        constraints = [models.UniqueConstraint(fields=["run", "community"], name="uniq_city_run_community")]

    def __str__(self) -> str:
        return f"{self.run_id}: {self.community_id}"

    @property
    def error_message(self) -> str:
        from .messages import translate

        return translate(self.error) if self.error else ""


class HubPlacement(models.Model):
    """One placement of new hubs asked on a city run, kept when a later one is asked: who asked, when, for how
    many of which composite, and what came of it (the run's latest placement is also on the run itself)."""

    run = models.ForeignKey(
        CityRun, on_delete=models.CASCADE, related_name="hub_placements", verbose_name=_("city health check")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    category = models.CharField(_("composite facility placed"), max_length=40)
    count = models.PositiveSmallIntegerField(_("new hubs"))
    status = models.CharField(
        _("hub placement"), max_length=10, choices=HubStatus.choices, default=HubStatus.PENDING, blank=True
    )
    result = models.JSONField(_("hub placement result"), null=True, blank=True)
    error = models.JSONField(_("hub placement error"), null=True, blank=True)
    computed_at = models.DateTimeField(_("hubs placed at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("hub placement")
        verbose_name_plural = _("hub placements")

    def __str__(self) -> str:
        return f"{self.run_id}: {self.category} × {self.count}"

    @property
    def error_message(self) -> str:
        from .messages import translate

        return translate(self.error) if self.error else ""
