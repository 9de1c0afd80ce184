"""Needs surveys (居民需求调研): a community's staff ask the residents they target a few questions.

Who is asked is fixed when the survey opens, one `SurveyRecipient` row per resident. Answers are one `Response` per
resident or per household (a unique key), each holding one `Answer` row per chosen option, scale value or text.
An anonymous survey's response keeps neither the resident nor the account, only a keyed hash to refuse a second
answer."""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.notices.models import Targeted


class Survey(Targeted):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    class Per(models.TextChoices):
        RESIDENT = "resident", _("one answer per resident")
        HOUSEHOLD = "household", _("one answer per household")

    street = models.ForeignKey("places.Street", on_delete=models.PROTECT, related_name="+", verbose_name=_("street"))
    community = models.ForeignKey(
        "places.Community", on_delete=models.PROTECT, related_name="surveys", verbose_name=_("community")
    )
    title = models.CharField(_("title"), max_length=80)
    intro = models.TextField(_("introduction"), max_length=2000, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=True)
    per = models.CharField(_("who answers"), max_length=10, choices=Per.choices, default=Per.RESIDENT)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    opens_at = models.DateTimeField(_("open from"), null=True, blank=True)
    closes_at = models.DateTimeField(_("open until"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    matter = models.ForeignKey(
        "consultation.Matter",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("round-table matter"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("author")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        indexes = [models.Index(fields=["community", "status"]), models.Index(fields=["status", "closes_at"])]

    def __str__(self) -> str:
        return self.title

    def is_open(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        started = self.opens_at is None or self.opens_at <= now
        return self.status == self.Status.OPEN and started and self.closes_at > now

    def can_edit(self) -> bool:
        return self.status == self.Status.DRAFT


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("single choice")
        MULTIPLE = "multiple", _("multiple choice")
        SCALE = "scale", _("scale 1–5")
        TEXT = "text", _("free text")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=200)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text

    @property
    def has_options(self) -> bool:
        return self.kind in (self.Kind.SINGLE, self.Kind.MULTIPLE)


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("option"), max_length=100)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self) -> str:
        return self.text


class SurveyRecipient(models.Model):
    """A resident the survey asks (fixed when it opens)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="recipients")
    resident = models.ForeignKey("people.Resident", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "resident"], name="uniq_survey_recipient")]

    def __str__(self) -> str:
        return f"{self.survey_id} → {self.resident_id}"


class Response(models.Model):
    """One resident's (or household's) answers. `respondent_key` is unique per survey: a resident or household id
    for a named survey, a keyed hash of it for an anonymous one (which keeps no resident and no account)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    respondent_key = models.CharField(max_length=64, editable=False)
    resident = models.ForeignKey(
        "people.Resident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("resident"),
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_on = models.DateField(_("answered on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(fields=["survey", "respondent_key"], name="uniq_survey_response"),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    option = models.ForeignKey(Option, null=True, blank=True, on_delete=models.CASCADE, related_name="answers")
    value = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(blank=True, max_length=1000)

    class Meta:
        indexes = [models.Index(fields=["question", "option"])]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}"
