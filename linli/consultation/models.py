"""民情圆桌会: matters residents raise and support, meetings that discuss them, votes, decisions, and the tasks
that carry a decision out (督办), up to the residents' rating of the outcome (评比).

A matter's page tells the whole chain: raised → supported → on the agenda → discussed → decided → tasks → done → rated.
"""

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.core.validators import web_url_validator

AGENDA_THRESHOLD_MAX = 100_000  # more supports than any community has residents


class ConsultationSettings(models.Model):
    """Per-community rules for supports. Missing rows mean the defaults below."""

    community = models.OneToOneField(
        "places.Community", on_delete=models.CASCADE, related_name="consultation_settings", verbose_name=_("community")
    )
    supports_per_resident = models.PositiveSmallIntegerField(
        _("supports per resident"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("How many open matters one resident may support at the same time."),
    )
    agenda_threshold = models.PositiveIntegerField(
        _("supports that put a matter on the agenda"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(AGENDA_THRESHOLD_MAX)],
    )
    one_support_per_household = models.BooleanField(
        _("one household counts once"),
        default=False,
        help_text=_("If on, only the first supporter of each household counts."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("consultation settings")
        verbose_name_plural = _("consultation settings")

    def __str__(self) -> str:
        return str(self.community)


class MatterKind(models.TextChoices):
    URGENT = "urgent", _("Urgent matter many raise (迫切事)")
    HARD = "hard", _("Hard matter needing coordination (疑难事)")
    MAJOR = "major", _("Major matter needing opinions (重大事)")


class Origin(models.TextChoices):
    RESIDENT = "resident", _("Raised by a resident")
    STAFF = "staff", _("Raised by staff")
    REPORT = "report", _("Lifted from a report")


class Matter(models.Model):
    class Status(models.TextChoices):
        RAISED = "raised", _("Raised, gathering support")
        AGENDA = "agenda", _("On the agenda")
        DECIDED = "decided", _("Decided, being carried out")
        DONE = "done", pgettext_lazy("matter status", "Done")
        ANSWERED = "answered", _("Answered without a meeting")

    OPEN_STATUSES = (Status.RAISED, Status.AGENDA)

    community = models.ForeignKey(
        "places.Community", on_delete=models.CASCADE, related_name="matters", verbose_name=_("community")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=MatterKind.choices)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("description"), max_length=4000)
    neighbourhood = models.ForeignKey(
        "places.Neighbourhood",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="matters",
        verbose_name=_("neighbourhood"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RAISED)
    origin_kind = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    origin_ref = models.CharField(
        _("origin reference"), max_length=60, blank=True, help_text=_("e.g. the number of the report it came from")
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="matters_raised", verbose_name=_("raised by")
    )
    support_count = models.PositiveIntegerField(pgettext_lazy("matter support", "supports"), default=0)
    response = models.TextField(_("answer"), blank=True)
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    agenda_at = models.DateTimeField(_("put on the agenda at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        verbose_name = _("matter")
        verbose_name_plural = _("matters")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "origin_kind", "origin_ref"],
                name="uniq_matter_origin",
                condition=~Q(origin_ref=""),
            ),
        ]
        indexes = [models.Index(fields=["community", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def can_be_supported(self) -> bool:
        return self.is_open

    def can_be_put_on_agenda(self) -> bool:
        return self.status == self.Status.RAISED

    def can_be_answered(self) -> bool:
        return self.is_open

    def can_be_decided(self) -> bool:
        return self.status in (self.Status.AGENDA, self.Status.DECIDED)

    def can_be_rated(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.ANSWERED)


class Support(models.Model):
    """One resident's support. With one-per-household on, `household_key` makes the second one in a home fail."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="supports", verbose_name=_("matter"))
    resident = models.ForeignKey(
        "people.Resident", on_delete=models.CASCADE, related_name="consultation_supports", verbose_name=_("resident")
    )
    household_key = models.CharField(max_length=20, blank=True, editable=False)
    created_at = models.DateTimeField(_("supported at"), default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("matter support", "support")
        verbose_name_plural = pgettext_lazy("matter support", "supports")
        constraints = [
            models.UniqueConstraint(fields=["matter", "resident"], name="uniq_support_resident"),
            models.UniqueConstraint(
                fields=["matter", "household_key"], name="uniq_support_household", condition=~Q(household_key="")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident} → {self.matter}"


class Follow(models.Model):
    """Who hears about each step of a matter: its raiser and supporters automatically, anyone who asks."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="follows", verbose_name=_("matter"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="matter_follows", verbose_name=_("account")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [models.UniqueConstraint(fields=["matter", "user"], name="uniq_matter_follow")]

    def __str__(self) -> str:
        return f"{self.user} ⇢ {self.matter}"


class Party(models.TextChoices):
    COMMUNITY = "community", _("Community (社区)")
    PROPERTY = "property", _("Property company (物业)")
    OWNERS = "owners", _("Owners' committee (业委会)")
    REPRESENTATIVES = "representatives", _("Residents' representatives (居民代表)")
    PARTNERS = "partners", _("Partners (共建单位)")


class Meeting(models.Model):
    class Mode(models.TextChoices):
        OFFLINE = "offline", _("In person")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("In person and online")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    community = models.ForeignKey(
        "places.Community", on_delete=models.CASCADE, related_name="meetings", verbose_name=_("community")
    )
    title = models.CharField(_("title"), max_length=120)
    mode = models.CharField(_("form"), max_length=10, choices=Mode.choices, default=Mode.OFFLINE)
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=120, blank=True)
    online_url = models.URLField(_("online link"), blank=True, validators=[web_url_validator])
    capacity = models.PositiveIntegerField(_("places for residents"), validators=[MinValueValidator(1)])
    parties = models.JSONField(_("invited parties"), default=list)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    minutes = models.TextField(pgettext_lazy("meeting record", "minutes"), blank=True)
    minutes_at = models.DateTimeField(_("minutes recorded at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("called by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return self.title

    def party_labels(self) -> list[str]:
        labels = dict(Party.choices)
        return [str(labels.get(p, p)) for p in self.parties]

    def can_take_registrations(self, now: dt.datetime) -> bool:
        return self.status == self.Status.PLANNED and now < self.starts_at

    def can_be_held(self, now: dt.datetime) -> bool:
        return self.status == self.Status.PLANNED and now >= self.starts_at - dt.timedelta(hours=2)

    def can_take_minutes(self) -> bool:
        return self.status == self.Status.HELD

    def can_change_agenda(self) -> bool:
        return self.status == self.Status.PLANNED


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda", verbose_name=_("meeting"))
    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="agenda_items", verbose_name=_("matter"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["meeting", "position", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [models.UniqueConstraint(fields=["meeting", "matter"], name="uniq_agenda_matter")]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.matter}"


class Registration(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("meeting")
    )
    resident = models.ForeignKey(
        "people.Resident", on_delete=models.CASCADE, related_name="meeting_registrations", verbose_name=_("resident")
    )
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), default=False)

    class Meta:
        ordering = ["meeting", "registered_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [models.UniqueConstraint(fields=["meeting", "resident"], name="uniq_registration")]

    def __str__(self) -> str:
        return f"{self.resident} @ {self.meeting}"


class Decision(models.Model):
    """What was decided on a matter (at a meeting, or after a vote), who answers for it and by when."""

    community = models.ForeignKey(
        "places.Community", on_delete=models.CASCADE, related_name="decisions", verbose_name=_("community")
    )
    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("matter"))
    meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("meeting"),
    )
    text = models.TextField(_("decision"), max_length=4000)
    responsible_party = models.CharField(_("responsible party"), max_length=20, choices=Party.choices)
    responsible_name = models.CharField(_("responsible person"), max_length=60)
    due_date = models.DateField(_("due by"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return self.text[:60]


class Task(models.Model):
    """A piece of work a decision requires (督办). Its progress updates are public to the community."""

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        DONE = "done", pgettext_lazy("matter status", "Done")

    community = models.ForeignKey(
        "places.Community", on_delete=models.CASCADE, related_name="consultation_tasks", verbose_name=_("community")
    )
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("decision"))
    title = models.CharField(_("task"), max_length=120)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultation_tasks",
        verbose_name=_("owner (account)"),
    )
    owner_party = models.CharField(_("owner party"), max_length=20, choices=Party.choices)
    owner_name = models.CharField(_("owner"), max_length=60)
    due_date = models.DateField(_("due by"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0, validators=[MaxValueValidator(100)])
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(_("flagged overdue at"), null=True, blank=True)

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.status == self.Status.OPEN and self.due_date < (today or timezone.localdate())

    def can_be_updated(self) -> bool:
        return self.status == self.Status.OPEN


class TaskUpdate(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates", verbose_name=_("task"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    text = models.TextField(_("progress update"), max_length=2000)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), validators=[MaxValueValidator(100)])
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")

    def __str__(self) -> str:
        return self.text[:60]


class Rating(models.Model):
    """A resident's rating (评比) of how a matter was settled: 1 (poor) to 5 (very good)."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("matter"))
    resident = models.ForeignKey(
        "people.Resident", on_delete=models.CASCADE, related_name="matter_ratings", verbose_name=_("resident")
    )
    score = models.PositiveSmallIntegerField(_("score"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("rated at"), default=timezone.now)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(fields=["matter", "resident"], name="uniq_rating"),
            models.CheckConstraint(name="rating_score_1_to_5", condition=Q(score__gte=1, score__lte=5)),
        ]

    def __str__(self) -> str:
        return f"{self.matter}: {self.score}"


class Eligibility(models.TextChoices):
    ALL = "all", _("All residents")
    OWNERS = "owners", _("Property owners")
    HOUSEHOLD = "household", _("One vote per household")
    NEIGHBOURHOOD = "neighbourhood", _("Residents of one neighbourhood")


class Vote(models.Model):
    """A vote on a matter, or a poll on a question. Secret votes keep no link from a ballot to its voter."""

    community = models.ForeignKey(
        "places.Community", on_delete=models.CASCADE, related_name="votes", verbose_name=_("community")
    )
    matter = models.ForeignKey(
        Matter, null=True, blank=True, on_delete=models.PROTECT, related_name="votes", verbose_name=_("matter")
    )
    question = models.CharField(_("question"), max_length=200)
    eligibility = models.CharField(_("who may vote"), max_length=15, choices=Eligibility.choices)
    neighbourhood = models.ForeignKey(
        "places.Neighbourhood",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="votes",
        verbose_name=_("neighbourhood"),
    )
    secret = models.BooleanField(_("secret ballot"), default=False)
    hide_results = models.BooleanField(_("hide results until the close"), default=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-opens_at", "-pk"]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.CheckConstraint(name="vote_closes_after_opening", condition=Q(closes_at__gt=models.F("opens_at"))),
            models.CheckConstraint(
                name="vote_neighbourhood_iff_scoped",
                condition=Q(eligibility="neighbourhood", neighbourhood__isnull=False)
                | (~Q(eligibility="neighbourhood") & Q(neighbourhood__isnull=True)),
            ),
        ]

    def __str__(self) -> str:
        return self.question

    def phase(self, now: dt.datetime) -> str:
        if now < self.opens_at:
            return "before"
        if now < self.closes_at:
            return "open"
        return "closed"

    def is_open(self, now: dt.datetime) -> bool:
        return self.phase(now) == "open"

    def results_visible(self, now: dt.datetime) -> bool:
        return not self.hide_results or self.phase(now) == "closed"

    def admits(self, resident: Any) -> bool:
        """Whether this resident is eligible: of the community, an adult (18+), and within the vote's scope."""
        if resident.community_id != self.community_id or resident.age() < 18:
            return False
        if self.eligibility == Eligibility.OWNERS:
            return bool(resident.is_owner)
        if self.eligibility == Eligibility.HOUSEHOLD:
            return resident.household_id is not None
        if self.eligibility == Eligibility.NEIGHBOURHOOD:
            household = resident.household
            return household is not None and household.building.neighbourhood_id == self.neighbourhood_id
        return True

    def voter_key(self, resident: Any) -> str:
        """A keyed digest of who casts this vote's ballot: the household when one per household, else the person."""
        from linli.core.crypto import digest

        subject = (
            f"household:{resident.household_id}"
            if self.eligibility == Eligibility.HOUSEHOLD
            else f"resident:{resident.pk}"
        )
        return digest(f"consultation-vote:{self.pk}:{subject}")


class VoteOption(models.Model):
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="options", verbose_name=_("vote"))
    label = models.CharField(_("option"), max_length=120)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["vote", "position", "pk"]
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self) -> str:
        return self.label


class Ballot(models.Model):
    """One cast ballot. `voter_key` is a keyed digest of the voter (or household) for this vote: unique per vote,
    so a second ballot fails at the database, also under concurrency. Secret ballots have a random id, no time and
    no resident, so they cannot be ordered or joined back to a voter or to the audit log."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="ballots", verbose_name=_("vote"))
    option = models.ForeignKey(VoteOption, on_delete=models.PROTECT, related_name="ballots", verbose_name=_("option"))
    voter_key = models.CharField(max_length=64, editable=False)
    resident = models.ForeignKey(
        "people.Resident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ballots",
        verbose_name=_("voter (open votes only)"),
    )
    cast_at = models.DateTimeField(_("cast at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [models.UniqueConstraint(fields=["vote", "voter_key"], name="uniq_ballot_voter")]

    def __str__(self) -> str:
        return f"ballot {self.pk}"
