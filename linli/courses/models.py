"""The community school (幸福学堂 / 社区学校): terms, classes by audience, seats, enrolment with a waiting list,
sessions and attendance. Staff training (社工学院) is the same module with the staff audience."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Term(models.Model):
    community = models.ForeignKey("places.Community", on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(_("name"), max_length=60)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        ordering = ["community", "-starts_on"]
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="uniq_term_name"),
            models.CheckConstraint(name="term_ends_after_start", condition=Q(ends_on__gte=models.F("starts_on"))),
        ]

    def __str__(self) -> str:
        return self.name


class Audience(models.TextChoices):
    CHILDREN = "children", _("After-school (四点半课堂)")
    WORKING = "working", _("Working people (乐学课堂)")
    ELDERLY = "elderly", _("Elderly (常青课堂)")
    STAFF = "staff", _("Staff training (社工学院)")


class Course(models.Model):
    community = models.ForeignKey("places.Community", on_delete=models.CASCADE, related_name="courses")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="courses", verbose_name=_("term"))
    facility = models.ForeignKey(
        "facilities.Facility", on_delete=models.PROTECT, related_name="courses", verbose_name=_("where")
    )
    title = models.CharField(_("title"), max_length=80)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    teacher = models.CharField(_("teacher"), max_length=40, blank=True)
    description = models.TextField(_("description"), blank=True)
    schedule = models.CharField(_("when"), max_length=80, blank=True, help_text=_("e.g. 每周三 14:00-15:30"))
    seats = models.PositiveIntegerField(_("seats"), validators=[MinValueValidator(1)])
    enrolled = models.PositiveIntegerField(_("enrolled"), default=0)
    min_age = models.PositiveSmallIntegerField(
        _("from age"), null=True, blank=True, validators=[MaxValueValidator(130)]
    )
    max_age = models.PositiveSmallIntegerField(_("to age"), null=True, blank=True, validators=[MaxValueValidator(130)])
    price_fen = models.PositiveIntegerField(_("fee (fen)"), default=0)
    open = models.BooleanField(_("open for enrolment"), default=True)
    shared_with = models.ManyToManyField(
        "places.Community",
        blank=True,
        related_name="shared_courses",
        verbose_name=_("open to residents of"),
        help_text=_("Other communities of the same street whose residents may see and enrol (街道共享课程)."),
    )

    class Meta:
        ordering = ["term", "audience", "title"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [
            models.CheckConstraint(name="course_enrolled_within_seats", condition=Q(enrolled__lte=models.F("seats"))),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def free(self) -> int:
        return max(0, self.seats - self.enrolled)


class Enrolment(models.Model):
    """A learner in a course: a resident, or for staff training a staff account."""

    class Status(models.TextChoices):
        UNPAID = "unpaid", _("Awaiting payment")
        ENROLLED = "enrolled", _("Enrolled")
        WAITLISTED = "waitlisted", _("On the waiting list")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    ACTIVE = (Status.UNPAID, Status.ENROLLED, Status.WAITLISTED)

    community = models.ForeignKey("places.Community", on_delete=models.CASCADE, related_name="enrolments")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("course"))
    resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.PROTECT, related_name="enrolments"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="enrolments"
    )
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    # the class fee when enrolling (a seat with a fee is held until `pay_by`, then given up if unpaid)
    price_fen = models.PositiveIntegerField(_("fee (fen)"), default=0)
    pay_by = models.DateTimeField(_("pay by"), null=True, blank=True)
    created_at = models.DateTimeField(_("enrolled at"))
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["course", "created_at", "pk"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.CheckConstraint(
                name="enrolment_has_one_learner",
                condition=Q(resident__isnull=False, staff__isnull=True) | Q(resident__isnull=True, staff__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["course", "resident"],
                condition=Q(status__in=["unpaid", "enrolled", "waitlisted"]),
                name="uniq_active_enrolment_resident",
            ),
            models.UniqueConstraint(
                fields=["course", "staff"],
                condition=Q(status__in=["unpaid", "enrolled", "waitlisted"]),
                name="uniq_active_enrolment_staff",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner_name} · {self.course}"

    @property
    def learner_name(self) -> str:
        if self.resident_id:
            return self.resident.name  # type: ignore[union-attr]
        return str(self.staff)


class Session(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    topic = models.CharField(_("topic"), max_length=80, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        ordering = ["course", "starts_at"]
        verbose_name = pgettext_lazy("course session", "session")
        verbose_name_plural = pgettext_lazy("course session", "sessions")
        constraints = [
            models.CheckConstraint(name="session_ends_after_start", condition=Q(ends_at__gt=models.F("starts_at"))),
        ]

    def __str__(self) -> str:
        return f"{self.course} {self.starts_at:%Y-%m-%d %H:%M}"


class Attendance(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    checked_in_at = models.DateTimeField(_("checked in at"))
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["session", "enrolment"], name="uniq_attendance")]

    def __str__(self) -> str:
        return f"{self.enrolment} @ {self.session}"
