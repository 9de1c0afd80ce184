"""Places nest: street 街道 → community 社区 → neighbourhood 小区 → building 楼栋 → household 户.

Grids 网格 group buildings, each with a steward."""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]{1,39}$",
    _("A code has 2–40 letters, digits, dots, dashes or underscores, and starts with a letter or digit."),
)
lat_validators = [MinValueValidator(-90), MaxValueValidator(90)]
lng_validators = [MinValueValidator(-180), MaxValueValidator(180)]


class Street(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=60)
    district = models.CharField(_("district"), max_length=60, blank=True)
    city = models.CharField(_("city"), max_length=60, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("street")
        verbose_name_plural = _("streets")

    def __str__(self) -> str:
        return self.name


class Community(models.Model):
    class Tier(models.TextChoices):
        NONE = "", _("not yet created")
        LEADING = "leading", _("Leading (引领型)")
        BASIC = "basic", _("Basic (普惠型)")

    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="communities", verbose_name=_("street"))
    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        validators=[code_validator],
        help_text=_("Also the Open311 jurisdiction_id."),
    )
    name = models.CharField(_("name"), max_length=60)
    tier = models.CharField(_("future community tier"), max_length=10, choices=Tier.choices, blank=True)
    area_ha = models.DecimalField(_("area (ha)"), max_digits=8, decimal_places=2, null=True, blank=True)
    centre_lat = models.FloatField(_("centre latitude"), validators=lat_validators)
    centre_lng = models.FloatField(_("centre longitude"), validators=lng_validators)
    boundary = models.JSONField(_("boundary (GeoJSON Polygon)"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")

    def __str__(self) -> str:
        return self.name


class Neighbourhood(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="neighbourhoods", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=60)
    boundary = models.JSONField(_("boundary (GeoJSON Polygon)"), null=True, blank=True)

    class Meta:
        ordering = ["community", "name"]
        verbose_name = _("neighbourhood")
        verbose_name_plural = _("neighbourhoods")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="uniq_neighbourhood_name")]

    def __str__(self) -> str:
        return self.name


class Grid(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="grids", verbose_name=_("community")
    )
    code = models.CharField(_("code"), max_length=40, validators=[code_validator])
    name = models.CharField(_("name"), max_length=60)
    colour = models.CharField(_("colour"), max_length=7, default="#d94f2b")
    steward = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stewarded_grids",
        verbose_name=_("steward"),
    )
    boundary = models.JSONField(_("boundary (GeoJSON Polygon)"), null=True, blank=True)

    class Meta:
        ordering = ["community", "code"]
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        constraints = [models.UniqueConstraint(fields=["community", "code"], name="uniq_grid_code")]

    def __str__(self) -> str:
        return self.name


class Period(models.Model):
    """A span of days: `started_on` is empty for one recorded before the dates were kept; `ended_on` is the first
    day after it (empty: it still holds)."""

    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        abstract = True

    @staticmethod
    def current_and_ordered(of: str, *, unique: str, ordered: str) -> list[models.BaseConstraint]:
        """The constraints every period keeps: one current period per `of`, and no end before the start."""
        return [
            models.UniqueConstraint(fields=[of], condition=models.Q(ended_on__isnull=True), name=unique),
            models.CheckConstraint(
                condition=models.Q(started_on__isnull=True)
                | models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name=ordered,
            ),
        ]


class GridStewardship(Period):
    """Who stewarded a grid from when to when, so a past month reads that month's stewards."""

    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="stewardships", verbose_name=_("grid"))
    steward = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="stewardships", verbose_name=_("steward")
    )

    class Meta:
        ordering = ["grid", "-started_on", "-pk"]
        verbose_name = _("grid stewardship")
        verbose_name_plural = _("grid stewardships")
        constraints = Period.current_and_ordered(
            "grid", unique="uniq_grid_current_steward", ordered="stewardship_ends_after_start"
        )

    def __str__(self) -> str:
        return f"{self.grid} {self.steward} {self.started_on or '…'}–{self.ended_on or ''}"


def stewarded_on(day: dt.date) -> models.Q:
    """A filter for grids that had a steward on `day`: by their dated stewardships, or, for a grid with none
    recorded (set up before the dates were kept), by its current steward."""
    then = GridStewardship.objects.filter(
        models.Q(started_on__isnull=True) | models.Q(started_on__lte=day),
        models.Q(ended_on__isnull=True) | models.Q(ended_on__gt=day),
        grid=models.OuterRef("pk"),
    )
    recorded = GridStewardship.objects.filter(grid=models.OuterRef("pk"))
    return models.Q(models.Exists(then)) | (~models.Q(models.Exists(recorded)) & models.Q(steward__isnull=False))


class Building(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="buildings", verbose_name=_("community")
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="buildings",
        verbose_name=_("neighbourhood"),
    )
    grid = models.ForeignKey(
        Grid, null=True, blank=True, on_delete=models.SET_NULL, related_name="buildings", verbose_name=_("grid")
    )
    name = models.CharField(_("name"), max_length=60)
    residential = models.BooleanField(_("residential"), default=True)
    floors = models.PositiveSmallIntegerField(_("floors"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), validators=lat_validators)
    lng = models.FloatField(_("longitude"), validators=lng_validators)
    footprint = models.JSONField(_("footprint (GeoJSON Polygon)"), null=True, blank=True)
    osm_id = models.BigIntegerField(_("OSM way id"), null=True, blank=True)

    class Meta:
        ordering = ["community", "name"]
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="uniq_building_name")]

    def __str__(self) -> str:
        return self.name


class GridMembership(Period):
    """Which grid a building was in from when to when, so a past month counts that month's grids."""

    building = models.ForeignKey(
        Building, on_delete=models.CASCADE, related_name="grid_memberships", verbose_name=_("building")
    )
    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("grid"))

    class Meta:
        ordering = ["building", "-started_on", "-pk"]
        verbose_name = _("grid membership")
        verbose_name_plural = _("grid memberships")
        constraints = Period.current_and_ordered(
            "building", unique="uniq_building_current_grid", ordered="membership_ends_after_start"
        )

    def __str__(self) -> str:
        return f"{self.building} {self.grid} {self.started_on or '…'}–{self.ended_on or ''}"


def in_grids_on(day: dt.date, grids: "models.QuerySet[Grid]") -> models.Q:
    """A filter for buildings that were in one of these grids on `day`: by their dated memberships, or, for a
    building with none recorded (placed before the dates were kept), by its current grid."""
    then = GridMembership.objects.filter(
        models.Q(started_on__isnull=True) | models.Q(started_on__lte=day),
        models.Q(ended_on__isnull=True) | models.Q(ended_on__gt=day),
        building=models.OuterRef("pk"),
        grid__in=grids,
    )
    recorded = GridMembership.objects.filter(building=models.OuterRef("pk"))
    return models.Q(models.Exists(then)) | (~models.Q(models.Exists(recorded)) & models.Q(grid__in=grids))


class Household(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="households", verbose_name=_("community")
    )
    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="households", verbose_name=_("building")
    )
    unit = models.CharField(_("unit and room"), max_length=30, help_text=_("e.g. 2单元301"))

    class Meta:
        ordering = ["building", "unit"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [models.UniqueConstraint(fields=["building", "unit"], name="uniq_household_unit")]

    def __str__(self) -> str:
        return f"{self.building.name} {self.unit}"
