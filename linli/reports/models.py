"""Reports from residents (投诉处理、建议收集, 随手拍): categories, reports, their events, photos and supporters,
and the API keys of the city systems that exchange reports through Open311 GeoReport v2."""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.accounts.validators import mobile_validator
from linli.core.validators import web_url_validator

DESCRIPTION_MAX = 4000  # the Open311 limit, used on every channel

service_code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$",
    _("A code has 1–40 letters, digits, dots, dashes or underscores, and starts with a letter or digit."),
)


class Category(models.Model):
    """What can be reported in one community: an Open311 service."""

    class Kind(models.TextChoices):
        PROBLEM = "problem", _("Problem")
        SUGGESTION = "suggestion", _("Suggestion")

    class Open311Type(models.TextChoices):
        REALTIME = "realtime", _("Realtime: the request id is returned at once")
        BATCH = "batch", _("Batch: a token is returned, to be exchanged for the request id")

    community = models.ForeignKey(
        "places.Community", on_delete=models.CASCADE, related_name="report_categories", verbose_name=_("community")
    )
    code = models.CharField(_("service code"), max_length=40, validators=[service_code_validator])
    name = models.CharField(_("name"), max_length=60)
    description = models.CharField(_("description"), max_length=300, blank=True)
    keywords = models.CharField(_("keywords"), max_length=200, blank=True, help_text=_("Comma separated."))
    group = models.CharField(_("group"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.PROBLEM)
    open311_type = models.CharField(
        _("Open311 type"), max_length=10, choices=Open311Type.choices, default=Open311Type.REALTIME
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("responsible party"),
        help_text=_("Who fixes what the grid steward accepts; the steward when empty."),
    )
    agency_responsible = models.CharField(_("responsible agency"), max_length=80, blank=True)
    service_notice = models.CharField(_("service notice"), max_length=300, blank=True)
    accept_within_hours = models.PositiveSmallIntegerField(
        _("accept within (hours)"), default=4, validators=[MinValueValidator(1)]
    )
    start_within_hours = models.PositiveSmallIntegerField(
        _("start work within (hours)"), default=24, validators=[MinValueValidator(1)]
    )
    resolve_within_hours = models.PositiveSmallIntegerField(
        _("resolve within (hours)"), default=72, validators=[MinValueValidator(1)]
    )
    reopen_within_days = models.PositiveSmallIntegerField(
        _("reporter may reopen within (days)"), default=7, validators=[MaxValueValidator(90)]
    )
    first_level = models.PositiveSmallIntegerField(
        _("goes first to"),
        choices=[(1, _("Grid steward")), (2, _("Community"))],
        default=1,
        help_text=_("The grid steward, or straight to the community's caseworkers."),
    )
    first_grid = models.ForeignKey(
        "places.Grid",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("always to the steward of grid"),
        help_text=_("Empty: the steward of the grid where it happens."),
    )
    open311_listed = models.BooleanField(
        _("offered to city systems (Open311)"),
        default=True,
        help_text=_("Listed in the Open311 services and accepted from city systems."),
    )
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["community", "order", "code"]
        verbose_name = _("report category")
        verbose_name_plural = _("report categories")
        constraints = [models.UniqueConstraint(fields=["community", "code"], name="uniq_report_category_code")]

    def __str__(self) -> str:
        return self.name

    def limit_for(self, status: str) -> dt.timedelta | None:
        hours: int | None = {
            str(Report.Status.SUBMITTED): self.accept_within_hours,
            str(Report.Status.ACCEPTED): self.start_within_hours,
            str(Report.Status.IN_PROGRESS): self.resolve_within_hours,
        }.get(status)
        return dt.timedelta(hours=hours) if hours else None

    @property
    def total_hours(self) -> int:
        return self.accept_within_hours + self.start_within_hours + self.resolve_within_hours

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from .rules import can_be_assigned_report

        if self.responsible_id and self.community_id and not can_be_assigned_report(self.responsible, self.community):
            raise ValidationError(
                {"responsible": _("The responsible party must be staff or an operator of this community.")}
            )


class CategoryAttribute(models.Model):
    """An extra field of a category: an attribute of the Open311 service definition."""

    class Datatype(models.TextChoices):
        STRING = "string", _("Short text")
        NUMBER = "number", _("Number")
        DATETIME = "datetime", _("Date and time")
        TEXT = "text", _("Long text")
        SINGLE = "singlevaluelist", _("One of a list")
        MULTI = "multivaluelist", _("Several of a list")

    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="attributes", verbose_name=_("category")
    )
    code = models.CharField(_("code"), max_length=40, validators=[service_code_validator])
    variable = models.BooleanField(_("asks for input"), default=True)
    datatype = models.CharField(_("type"), max_length=16, choices=Datatype.choices, default=Datatype.STRING)
    required = models.BooleanField(_("required"), default=False)
    datatype_description = models.CharField(_("hint"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), validators=[MinValueValidator(1)])
    description = models.CharField(_("question"), max_length=200)
    values = models.JSONField(
        _("values"), default=list, blank=True, help_text=_('For lists: [{"key": "…", "name": "…"}, …]')
    )

    class Meta:
        ordering = ["category", "order"]
        verbose_name = _("category field")
        verbose_name_plural = _("category fields")
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="uniq_category_attribute_code"),
            models.UniqueConstraint(fields=["category", "order"], name="uniq_category_attribute_order"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_list(self) -> bool:
        return self.datatype in (self.Datatype.SINGLE, self.Datatype.MULTI)

    def value_keys(self) -> list[str]:
        return [str(v.get("key")) for v in self.values or []]


class Level(models.IntegerChoices):
    """The levels a report climbs when it is not handled in time (街道-社区-邻里管家)."""

    STEWARD = 1, _("Grid steward")
    COMMUNITY = 2, _("Community")
    STREET = 3, _("Street")


class Report(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        IN_PROGRESS = "in_progress", _("In progress")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", pgettext_lazy("report status", "Closed")
        REJECTED = "rejected", pgettext_lazy("report status", "Rejected")
        DUPLICATE = "duplicate", _("Duplicate")

    class Source(models.TextChoices):
        WEB = "web", _("Website")
        OPEN311 = "open311", _("Open311 client")
        STAFF = "staff", _("Entered by staff")

    OPEN_STATUSES = (Status.SUBMITTED, Status.ACCEPTED, Status.IN_PROGRESS)
    FINISHED_STATUSES = (Status.RESOLVED, Status.CLOSED, Status.REJECTED, Status.DUPLICATE)

    community = models.ForeignKey(
        "places.Community", on_delete=models.PROTECT, related_name="reports", verbose_name=_("community")
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="reports", verbose_name=_("category"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX)
    attributes = models.JSONField(_("extra fields"), default=dict, blank=True)
    # Where: a point, a building (the Open311 address_id), or an address.
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    building = models.ForeignKey(
        "places.Building",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("building"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    grid = models.ForeignKey(
        "places.Grid", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports", verbose_name=_("grid")
    )
    # Who reported: an account, or a guest with a mobile number.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        verbose_name=_("reporter"),
    )
    # Filed by a family helper (亲情账号) or a household member for this resident: "by reporter for them".
    on_behalf_of = models.ForeignKey(
        "people.Resident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports_filed_for",
        verbose_name=_("reported for"),
    )
    guest_mobile = models.CharField(_("mobile number"), max_length=11, blank=True, validators=[mobile_validator])
    reporter_name = models.CharField(_("reporter's name"), max_length=60, blank=True)
    reporter_email = models.EmailField(_("reporter's e-mail"), blank=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.WEB)
    api_client = models.ForeignKey(
        "reports.ApiClient", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    token = models.CharField(_("Open311 token"), max_length=32, unique=True)
    media_url = models.URLField(_("media URL"), max_length=500, blank=True, validators=[web_url_validator])
    # Who handles it, at which level, and by when.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_reports",
        verbose_name=_("handler"),
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, default=Level.STEWARD)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    expected_at = models.DateTimeField(_("expected to be resolved"), null=True, blank=True)
    overdue = models.BooleanField(_("missed a time limit"), default=False)
    status_notes = models.CharField(_("latest note"), max_length=500, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    supporters_count = models.PositiveIntegerField(_("supporters"), default=0)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_comment = models.CharField(_("comment on the resolution"), max_length=500, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    created_at = models.DateTimeField(_("reported at"))
    updated_at = models.DateTimeField(_("updated at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [
            models.Index(fields=["community", "-created_at"], name="report_comm_created"),
            models.Index(fields=["community", "category", "-created_at"], name="report_comm_cat_created"),
            models.Index(fields=["community", "status", "-created_at"], name="report_comm_status_created"),
            models.Index(fields=["grid", "status"], name="report_grid_status"),
            models.Index(
                fields=["due_at"],
                name="report_open_due",
                condition=Q(status__in=["submitted", "accepted", "in_progress"]),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="report_has_location",
                condition=Q(lat__isnull=False, lng__isnull=False) | Q(building__isnull=False) | ~Q(address=""),
            ),
            models.CheckConstraint(
                name="report_lat_lng_together",
                condition=Q(lat__isnull=True, lng__isnull=True) | Q(lat__isnull=False, lng__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.category}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def open311_status(self) -> str:
        return "open" if self.is_open else "closed"

    def reopen_deadline(self) -> dt.datetime | None:
        if self.finished_at is None:
            return None
        return self.finished_at + dt.timedelta(days=self.category.reopen_within_days)

    def can_reopen(self, now: dt.datetime) -> bool:
        """The reporter may reopen a resolved, closed or rejected report within the category's period."""
        deadline = self.reopen_deadline()
        return (
            self.status in (self.Status.RESOLVED, self.Status.CLOSED, self.Status.REJECTED)
            and deadline is not None
            and now <= deadline
        )

    def can_rate(self) -> bool:
        return self.status in (self.Status.RESOLVED, self.Status.CLOSED) and self.rating is None


class ReportEvent(models.Model):
    """Every change of a report: who, when, and a note (public notes are shown to the reporter)."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        STARTED = "started", _("Work started")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", pgettext_lazy("report status", "Closed")
        REJECTED = "rejected", pgettext_lazy("report status", "Rejected")
        DUPLICATE = "duplicate", _("Marked as a duplicate")
        REOPENED = "reopened", _("Reopened")
        ASSIGNED = "assigned", _("Assigned")
        ESCALATED = "escalated", _("Escalated")
        NOTE = "note", _("Note")
        RATED = "rated", _("Rated")
        SUPPORTED = "supported", _("Supported")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events", verbose_name=_("report"))
    community = models.ForeignKey("places.Community", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("what"), max_length=12, choices=Kind.choices)
    from_status = models.CharField(max_length=12, choices=Report.Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Report.Status.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    level = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.STEWARD)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    public = models.BooleanField(_("shown to the reporter"), default=True)
    created_at = models.DateTimeField(_("when"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("report event")
        verbose_name_plural = _("report events")

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind}"


def photo_path(instance: "ReportPhoto", filename: str) -> str:
    return f"reports/{instance.community_id}/{instance.report_id}/{filename}"


class ReportPhoto(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    community = models.ForeignKey("places.Community", on_delete=models.CASCADE, related_name="+")
    image = models.FileField(_("photo"), upload_to=photo_path, max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.image.name


class ReportSupport(models.Model):
    """A resident who has the same problem and supports an open report instead of duplicating it."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [models.UniqueConstraint(fields=["report", "user"], name="uniq_report_support")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.report_id}"


class ApiClient(models.Model):
    """A city system allowed to POST reports through Open311. Only the key's SHA-256 is kept."""

    community = models.ForeignKey(
        "places.Community", on_delete=models.CASCADE, related_name="open311_clients", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("key prefix"), max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    requests_per_hour = models.PositiveIntegerField(_("requests per hour"), default=120)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["community", "name"]
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
