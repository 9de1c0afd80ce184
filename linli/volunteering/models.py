"""Volunteering: teams (柿先锋 party-member volunteers among them), activities with sign-up and a waiting list,
check-in by a rotating code, service hours confirmed by the organiser (points only through the ledger's
`volunteer_hour` rule), and clubs (社团) with members, leaders, a schedule and venue bookings."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.core.scenarios import Scenario


def new_secret() -> str:
    return secrets.token_hex(16)


class Team(models.Model):
    community = models.ForeignKey("places.Community", on_delete=models.PROTECT, related_name="volunteer_teams")
    name = models.CharField(_("name"), max_length=60)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    scenario = models.CharField(_("scenario"), max_length=20, choices=Scenario.choices, default=Scenario.NEIGHBOURHOOD)
    party_vanguard = models.BooleanField(_("party-member vanguard (柿先锋)"), default=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["community", "name"]
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="uniq_volunteer_team_name")]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT, related_name="volunteer_teams")
    leader = models.BooleanField(_("team leader"), default=False)
    joined_on = models.DateField(_("joined on"))

    class Meta:
        ordering = ["team", "-leader", "joined_on", "pk"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [models.UniqueConstraint(fields=["team", "resident"], name="uniq_team_member")]

    def __str__(self) -> str:
        return f"{self.team} · {self.resident}"


class ActivityType(models.Model):
    """A kind of volunteer activity a community runs (邻里节, 义诊…): set up by its staff, filed under a scenario,
    and earning points by one of the community's earning rules (`volunteer_hour` unless the staff choose another).
    Retired types stay on the activities that had them but are no longer offered."""

    community = models.ForeignKey("places.Community", on_delete=models.PROTECT, related_name="activity_types")
    name = models.CharField(_("name"), max_length=40)
    scenario = models.CharField(_("scenario"), max_length=20, choices=Scenario.choices, default=Scenario.NEIGHBOURHOOD)
    earning_rule = models.SlugField(
        _("earning rule"), max_length=40, default="volunteer_hour", help_text=_("The points rule for its hours.")
    )
    attendance_rule = models.SlugField(
        _("attendance rule"),
        max_length=40,
        blank=True,
        default="",
        help_text=_("The points rule for taking part (on checking in); empty: taking part earns nothing."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["community", "-active", "name", "pk"]
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="uniq_activity_type_name")]

    def __str__(self) -> str:
        return self.name


class Activity(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", pgettext_lazy("activity status", "Open")
        CANCELLED = "cancelled", _("Cancelled")

    community = models.ForeignKey("places.Community", on_delete=models.PROTECT, related_name="activities")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="activities")
    type = models.ForeignKey(
        ActivityType, on_delete=models.PROTECT, related_name="activities", verbose_name=_("type of activity")
    )
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    facility = models.ForeignKey(
        "facilities.Facility", null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    place = models.CharField(_("place"), max_length=100, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("volunteers needed"), validators=[MinValueValidator(1)])
    signed_up = models.PositiveIntegerField(_("signed up"), default=0)
    party_members_only = models.BooleanField(_("party members only"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="organised_activities"
    )
    checkin_secret = models.CharField(max_length=32, default=new_secret, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(name="activity_ends_after_start", condition=Q(ends_at__gt=models.F("starts_at"))),
            models.CheckConstraint(name="activity_within_capacity", condition=Q(signed_up__lte=models.F("capacity"))),
        ]
        indexes = [models.Index(fields=["community", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.signed_up)


class SignUp(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Signed up")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE = (Status.CONFIRMED, Status.WAITLISTED)

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="signups")
    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT, related_name="volunteer_signups")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(_("signed up at"))
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)

    class Meta:
        ordering = ["activity", "created_at", "pk"]
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "resident"],
                condition=Q(status__in=["confirmed", "waitlisted"]),
                name="uniq_active_signup",
            )
        ]

    def __str__(self) -> str:
        return f"{self.activity} · {self.resident}"


class ServiceRecord(models.Model):
    """Hours served at one activity: recorded at check-in, confirmed (or corrected) by the organiser. Points are
    earned once, at confirmation, with the key `volunteer-hours:<pk>`."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Not confirmed")

    community = models.ForeignKey("places.Community", on_delete=models.PROTECT, related_name="service_records")
    signup = models.OneToOneField(SignUp, on_delete=models.PROTECT, related_name="record")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="records")
    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT, related_name="service_records")
    minutes = models.PositiveIntegerField(_("minutes"), validators=[MaxValueValidator(24 * 60)])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    served_on = models.DateField(_("served on"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    points = models.PositiveIntegerField(_("points earned"), default=0)
    earning = models.OneToOneField(
        "ledger.Transaction", null=True, blank=True, on_delete=models.PROTECT, related_name="service_record"
    )

    class Meta:
        ordering = ["-served_on", "pk"]
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        indexes = [models.Index(fields=["resident", "status", "served_on"])]

    def __str__(self) -> str:
        return f"{self.resident} · {self.activity} · {self.minutes}min"

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    def can_confirm(self) -> bool:
        return self.status == self.Status.PENDING


class Certificate(models.Model):
    """A yearly certificate of service hours: issued once per resident and year, re-issued when hours change."""

    community = models.ForeignKey("places.Community", on_delete=models.PROTECT, related_name="volunteer_certificates")
    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT, related_name="volunteer_certificates")
    year = models.PositiveSmallIntegerField(_("year"))
    minutes = models.PositiveIntegerField(_("minutes"))
    activities = models.PositiveIntegerField(_("activities"))
    serial = models.CharField(_("serial number"), max_length=32, unique=True)
    issued_at = models.DateTimeField(_("issued at"))

    class Meta:
        ordering = ["-year", "-issued_at"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return self.serial


class Club(models.Model):
    """A residents' club (社团): 乒乓球社, 太极拳社… with members, leaders, a regular time and a home venue."""

    community = models.ForeignKey("places.Community", on_delete=models.PROTECT, related_name="clubs")
    name = models.CharField(_("name"), max_length=60)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    scenario = models.CharField(_("scenario"), max_length=20, choices=Scenario.choices, default=Scenario.HEALTH)
    schedule = models.CharField(_("regular schedule"), max_length=80, blank=True, help_text=_("e.g. 每周二、四 19:00"))
    venue = models.ForeignKey(
        "facilities.Facility", null=True, blank=True, on_delete=models.SET_NULL, related_name="clubs"
    )
    open = models.BooleanField(_("open to new members"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["community", "name"]
        verbose_name = _("club")
        verbose_name_plural = _("clubs")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="uniq_club_name")]

    def __str__(self) -> str:
        return self.name


class ClubMember(models.Model):
    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="memberships")
    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT, related_name="clubs")
    leader = models.BooleanField(_("leader"), default=False)
    joined_on = models.DateField(_("joined on"))

    class Meta:
        ordering = ["club", "-leader", "joined_on", "pk"]
        verbose_name = _("club member")
        verbose_name_plural = _("club members")
        constraints = [models.UniqueConstraint(fields=["club", "resident"], name="uniq_club_member")]

    def __str__(self) -> str:
        return f"{self.club} · {self.resident}"


class ClubBooking(models.Model):
    """A venue booking made for a club through the facilities booking service."""

    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="bookings")
    booking = models.OneToOneField("facilities.Booking", on_delete=models.PROTECT, related_name="club_booking")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["club", "-created_at"]

    def __str__(self) -> str:
        return f"{self.club} · {self.booking_id}"
