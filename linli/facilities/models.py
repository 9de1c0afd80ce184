"""The facility register (设施台账): every space a community has, the services offered there, and bookings.

The register is the single source for residents (find and book), staff (manage and check in) and planners
(coverage): categories carry the GB 50180-2018 codes the planning engine's rules file uses.
"""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from linli.core.scenarios import Scenario
from linli.places.models import code_validator, lat_validators, lng_validators


class FacilityCategory(models.Model):
    """A configurable catalogue of facility types. Seeded with the GB 50180-2018 types; staff may add more."""

    code = models.SlugField(pgettext_lazy("facility code", "code"), max_length=40, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=40)
    name_en = models.CharField(_("English name"), max_length=80)
    default_scenario = models.CharField(_("default scenario"), max_length=20, choices=Scenario.choices)
    in_standard = models.BooleanField(
        _("in GB 50180-2018"), default=False, help_text=_("A facility type of the residential-area standard.")
    )
    sort = models.PositiveSmallIntegerField(_("order"), default=100)
    added_by = models.ForeignKey(
        "places.Community",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("added by"),
        help_text=_("The community that added the type (it alone changes it); empty for the built-in types."),
    )
    active = models.BooleanField(
        _("offered"),
        default=True,
        help_text=_("A retired type stays on its facilities but is not offered for new ones."),
    )

    class Meta:
        ordering = ["sort", "code"]
        verbose_name = _("facility category")
        verbose_name_plural = _("facility categories")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


class Facility(models.Model):
    class Nature(models.TextChoices):
        EARNING = "earning", _("Earning (经营性)")
        AFFORDABLE = "affordable", _("Affordable (普惠性)")
        FREE = "free", _("Free public good (公益性)")

    class Tier(models.TextChoices):
        NONE = "", _("—")
        HUB = "hub", _("Hub")
        CENTRE = "centre", _("Centre")
        MICRO = "micro", _("Micro box")

    community = models.ForeignKey(
        "places.Community", on_delete=models.CASCADE, related_name="facilities", verbose_name=_("community")
    )
    code = models.CharField(pgettext_lazy("facility code", "code"), max_length=40, validators=[code_validator])
    name = models.CharField(_("name"), max_length=80)
    category = models.ForeignKey(
        FacilityCategory, on_delete=models.PROTECT, related_name="facilities", verbose_name=_("category")
    )
    scenario = models.CharField(_("scenario"), max_length=20, choices=Scenario.choices)
    nature = models.CharField(_("nature"), max_length=12, choices=Nature.choices, default=Nature.AFFORDABLE)
    tier = models.CharField(_("tier"), max_length=8, choices=Tier.choices, blank=True)
    operator = models.CharField(_("operator"), max_length=80, blank=True)
    operators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="operated_facilities",
        verbose_name=_("operator accounts"),
        help_text=_("Accounts with the operator role who run this space: its services and time slots."),
    )
    building = models.ForeignKey(
        "places.Building",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="facilities",
        verbose_name=_("building"),
    )
    floor = models.CharField(_("floor"), max_length=20, blank=True)
    lat = models.FloatField(_("latitude"), validators=lat_validators)
    lng = models.FloatField(_("longitude"), validators=lng_validators)
    floor_area_m2 = models.PositiveIntegerField(_("floor area (m²)"), null=True, blank=True)
    opening_hours = models.CharField(
        _("opening hours"), max_length=120, blank=True, help_text=_("e.g. 每天 08:00-20:00")
    )
    capacity = models.PositiveIntegerField(_("capacity (people at once)"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    description = models.TextField(_("description"), blank=True)
    shared = models.BooleanField(
        _("shared with neighbouring communities"), default=False, help_text=_("两社融合: neighbours may use it.")
    )
    shared_with = models.ManyToManyField(
        "places.Community", blank=True, related_name="shared_facilities", verbose_name=_("shared with")
    )
    active = models.BooleanField(_("in service"), default=True)
    opened_on = models.DateField(
        _("in service since"),
        null=True,
        blank=True,
        help_text=_("Leave empty if it was in service before the platform began."),
    )
    closed_on = models.DateField(_("out of service since"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["community", "code"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        constraints = [
            models.UniqueConstraint(fields=["community", "code"], name="uniq_facility_code"),
        ]
        indexes = [models.Index(fields=["community", "scenario"])]

    def __str__(self) -> str:
        return self.name


def in_service_on(day: dt.date, prefix: str = "") -> Q:
    """The filter for facilities in service at the end of `day` (opened by then, not yet taken out of service)."""
    opened = Q(**{f"{prefix}opened_on__isnull": True}) | Q(**{f"{prefix}opened_on__lte": day})
    return opened & (Q(**{f"{prefix}active": True}) | Q(**{f"{prefix}closed_on__gt": day}))


def photo_path(instance: "FacilityPhoto", filename: str) -> str:
    return f"facilities/{instance.facility.community_id}/{instance.facility_id}/{filename}"


class FacilityPhoto(models.Model):
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="photos", verbose_name=_("facility"))
    image = models.ImageField(_("image"), upload_to=photo_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    caption = models.CharField(_("caption"), max_length=120, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["facility", "pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.caption or self.image.name


class Service(models.Model):
    """A service offered in a facility (理发, 洗衣, 场地预约…), with its provider and price in fen."""

    class Kind(models.TextChoices):
        BARBER = "barber", _("Haircut (理发)")
        LAUNDRY = "laundry", _("Laundry (洗衣)")
        TAILORING = "tailoring", _("Mending (缝补)")
        REPAIR = "repair", _("Appliance repair (家电维修)")
        MEALS = "meals", _("Meals (助餐)")
        CHILDCARE = "childcare", _("Childcare (托育)")
        COURSE = "course", _("Courses (课程)")
        VENUE = "venue", _("Room booking (场地预约)")
        HEALTH = "health", _("Health check (健康监测)")
        DAY_CARE = "day_care", _("Elderly day care (日间照料)")
        OTHER = "other", _("Other")

    community = models.ForeignKey(
        "places.Community", on_delete=models.CASCADE, related_name="services", verbose_name=_("community")
    )
    facility = models.ForeignKey(
        Facility, on_delete=models.CASCADE, related_name="services", verbose_name=_("facility")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=80)
    provider = models.CharField(_("provider"), max_length=80, blank=True)
    description = models.TextField(_("description"), blank=True)
    price_fen = models.PositiveIntegerField(_("price (fen)"), default=0)
    price_unit = models.CharField(_("per"), max_length=20, blank=True, help_text=_("e.g. 次, 小时, 件"))
    bookable = models.BooleanField(_("booked in time slots"), default=True)
    waitlist = models.BooleanField(_("keeps a waiting list when full"), default=True)
    cancel_hours = models.PositiveSmallIntegerField(
        _("cancel up to (hours before)"), default=2, validators=[MaxValueValidator(168)]
    )
    active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["facility", "name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.CheckConstraint(name="service_price_not_negative", condition=Q(price_fen__gte=0)),
        ]

    def __str__(self) -> str:
        return self.name


class ServicePriceRule(models.Model):
    """Pricing rule: from `min_age` on, the resident pays `price_fen` instead of the list price (the lowest wins)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="price_rules")
    label = models.CharField(_("label"), max_length=40)
    min_age = models.PositiveSmallIntegerField(_("from age"), validators=[MaxValueValidator(130)])
    price_fen = models.PositiveIntegerField(_("price (fen)"))

    class Meta:
        ordering = ["service", "min_age"]
        verbose_name = _("price rule")
        verbose_name_plural = _("price rules")

    def __str__(self) -> str:
        return self.label


class Slot(models.Model):
    """A bookable time slot. `booked` counts confirmed bookings (and those holding a place
    while their fee is paid) and can never exceed `capacity`."""

    community = models.ForeignKey("places.Community", on_delete=models.CASCADE, related_name="slots")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="slots", verbose_name=_("service"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("places"), validators=[MinValueValidator(1)])
    booked = models.PositiveIntegerField(_("booked"), default=0)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    note = models.CharField(_("note"), max_length=120, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("time slot")
        verbose_name_plural = _("time slots")
        constraints = [
            models.CheckConstraint(name="slot_booked_within_capacity", condition=Q(booked__lte=models.F("capacity"))),
            models.CheckConstraint(name="slot_ends_after_start", condition=Q(ends_at__gt=models.F("starts_at"))),
        ]
        indexes = [models.Index(fields=["community", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.service} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.booked)

    @property
    def day(self) -> dt.date:
        from django.utils import timezone

        return timezone.localtime(self.starts_at).date()


class Booking(models.Model):
    class Status(models.TextChoices):
        UNPAID = "unpaid", _("Awaiting payment")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDED = "attended", _("Checked in")
        NO_SHOW = "no_show", _("Did not come")

    ACTIVE = (Status.UNPAID, Status.CONFIRMED, Status.WAITLISTED, Status.ATTENDED)

    community = models.ForeignKey("places.Community", on_delete=models.CASCADE, related_name="bookings")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("time slot"))
    resident = models.ForeignKey(
        "people.Resident", on_delete=models.PROTECT, related_name="bookings", verbose_name=_("for")
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("booked by")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    price_fen = models.PositiveIntegerField(_("price (fen)"), default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)
    pay_by = models.DateTimeField(_("pay by"), null=True, blank=True)
    created_at = models.DateTimeField(_("booked at"))
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["slot", "created_at", "pk"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "resident"],
                condition=Q(status__in=["unpaid", "confirmed", "waitlisted", "attended"]),
                name="uniq_active_booking_per_slot",
            ),
        ]
        indexes = [models.Index(fields=["resident", "status"])]

    def __str__(self) -> str:
        return f"{self.resident} · {self.slot}"

    def can_cancel(self) -> bool:
        return self.status in (self.Status.UNPAID, self.Status.CONFIRMED, self.Status.WAITLISTED)

    def can_check_in(self) -> bool:
        return self.status in (self.Status.CONFIRMED, self.Status.NO_SHOW)
