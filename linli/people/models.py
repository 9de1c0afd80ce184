"""Resident profiles. The ID number is stored encrypted and shown masked; age tiers are derived."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.accounts.validators import mobile_validator
from linli.core.models import Progress

from .ages import AgeTier, age_by_year, age_on, tier_of


class SensitiveTag(models.Model):
    """A sensitive category (独居老人, 困境儿童, 残疾人…): seen only by community staff."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=40)
    name_en = models.CharField(_("English name"), max_length=60)

    class Meta:
        ordering = ["code"]
        verbose_name = _("sensitive tag")
        verbose_name_plural = _("sensitive tags")

    def __str__(self) -> str:
        return self.name_zh


class Resident(models.Model):
    class Sex(models.TextChoices):
        FEMALE = "F", _("female")
        MALE = "M", _("male")

    class Relation(models.TextChoices):
        """与户主关系, as the population register (人口信息采集表) records it."""

        HEAD = "head", _("head of household")
        SPOUSE = "spouse", _("spouse")
        CHILD = "child", _("son or daughter")
        CHILD_IN_LAW = "child_in_law", _("son- or daughter-in-law")
        PARENT = "parent", _("parent")
        PARENT_IN_LAW = "parent_in_law", _("parent-in-law")
        GRANDCHILD = "grandchild", _("grandchild")
        GRANDPARENT = "grandparent", _("grandparent")
        SIBLING = "sibling", _("brother or sister")
        OTHER = "other", _("other relative or lodger")

    class Residence(models.TextChoices):
        """人户状态: whether the person lives where their household registration (户籍) is."""

        CONSISTENT = "consistent", _("lives here, registered here (人户一致)")
        REGISTERED_ELSEWHERE = "registered_elsewhere", _("lives here, registered elsewhere (人在户不在)")
        LIVES_ELSEWHERE = "lives_elsewhere", _("registered here, lives elsewhere (户在人不在)")

    community = models.ForeignKey(
        "places.Community", on_delete=models.PROTECT, related_name="residents", verbose_name=_("community")
    )
    household = models.ForeignKey(
        "places.Household",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        verbose_name=_("household"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resident",
        verbose_name=_("account"),
    )
    name = models.CharField(_("name"), max_length=40)
    mobile = models.CharField(_("mobile number"), max_length=11, blank=True, validators=[mobile_validator])
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("birth date"))
    id_number_encrypted = models.TextField(_("ID number (encrypted)"), blank=True, editable=False)
    id_number_digest = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    id_number_masked = models.CharField(_("ID number"), max_length=18, blank=True, editable=False)
    is_owner = models.BooleanField(_("property owner"), default=False)
    is_party_member = models.BooleanField(_("party member"), default=False)
    tags = models.ManyToManyField(SensitiveTag, blank=True, related_name="residents", verbose_name=_("sensitive tags"))
    relation_to_head = models.CharField(
        _("relation to the head of household"), max_length=20, choices=Relation.choices, blank=True
    )
    residence = models.CharField(
        _("residence status"), max_length=24, choices=Residence.choices, default=Residence.CONSISTENT
    )
    hukou_address = models.CharField(_("registered (hukou) address"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    moved_in_on = models.DateField(
        _("moved in on"),
        null=True,
        blank=True,
        help_text=_("Leave empty if they lived here before the register began."),
    )
    moved_out_on = models.DateField(
        _("moved out on"), null=True, blank=True, help_text=_("迁出: kept on the register, no longer a resident.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["community", "name", "pk"]
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "id_number_digest"],
                name="uniq_resident_id_number",
                condition=~models.Q(id_number_digest=""),
            ),
        ]
        indexes = [
            models.Index(fields=["community", "birth_date"]),
            models.Index(fields=["community", "moved_out_on"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_moved_out(self) -> bool:
        return self.moved_out_on is not None

    def age(self, day: dt.date | None = None) -> int:
        return age_on(self.birth_date, day or timezone.localdate())

    def age_tier(self, day: dt.date | None = None) -> AgeTier:
        return tier_of(self.age(day))

    def age_by_year(self, day: dt.date | None = None) -> int:
        return age_by_year(self.birth_date, day or timezone.localdate())

    def age_tier_by_year(self, day: dt.date | None = None) -> AgeTier:
        return tier_of(self.age_by_year(day))


class DataRequest(models.Model):
    """A resident's request about their personal data (PIPL 个人信息保护法 第四十五、四十七条): a copy, or deletion.

    Exports are served at once and recorded here as done; deletions wait for a caseworker, who anonymises the
    record or refuses with a reason."""

    class Kind(models.TextChoices):
        EXPORT = "export", _("a copy of my data")
        DELETE = "delete", _("delete my personal data")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the community")
        DONE = "done", _("done")
        REFUSED = "refused", _("refused")

    community = models.ForeignKey(
        "places.Community", on_delete=models.PROTECT, related_name="data_requests", verbose_name=_("community")
    )
    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, related_name="data_requests", verbose_name=_("resident")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="data_requests",
        verbose_name=_("requested by"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    answer = models.CharField(_("answer"), max_length=500, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("personal data request")
        verbose_name_plural = _("personal data requests")
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "kind"],
                condition=models.Q(status="pending"),
                name="uniq_pending_data_request",
            ),
        ]
        indexes = [models.Index(fields=["community", "status"])]

    def __str__(self) -> str:
        return f"{self.resident} · {self.get_kind_display()}"


class Invitation(models.Model):
    """An SMS asking a resident on the register to sign up; `activated_at` is set when 实名核验 binds an account."""

    community = models.ForeignKey(
        "places.Community", on_delete=models.CASCADE, related_name="invitations", verbose_name=_("community")
    )
    resident = models.ForeignKey(
        Resident, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("resident")
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("sent by"),
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("sign-up invitation")
        verbose_name_plural = _("sign-up invitations")
        indexes = [models.Index(fields=["resident", "sent_at"]), models.Index(fields=["community", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.resident} {self.sent_at:%Y-%m-%d}"


class FamilyLink(models.Model):
    """亲情账号: a verified adult (the helper) acts for an elder of the same community, with the elder's consent.

    The elder consents with a code sent to their register mobile, from their own account, or in person before a
    social worker or community admin. Either side or staff can end the link; acting stops at once."""

    class Status(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("family link", "waiting for consent")
        ACTIVE = "active", pgettext_lazy("family link", "active")
        ENDED = "ended", pgettext_lazy("family link", "ended")

    class Consent(models.TextChoices):
        SMS_CODE = "sms_code", _("code sent to the elder's mobile")
        ELDER_ACCOUNT = "elder_account", _("agreed from the elder's own account")
        IN_PERSON = "in_person", _("confirmed in person by community staff")

    OPEN = (Status.REQUESTED, Status.ACTIVE)

    community = models.ForeignKey(
        "places.Community", on_delete=models.PROTECT, related_name="family_links", verbose_name=_("community")
    )
    helper = models.ForeignKey(
        Resident, on_delete=models.PROTECT, related_name="helping_links", verbose_name=_("family helper")
    )
    elder = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="helper_links", verbose_name=_("elder"))
    relation = models.CharField(_("relation"), max_length=20, blank=True, help_text=_("e.g. daughter, nephew"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    consent = models.CharField(_("consent given by"), max_length=16, choices=Consent.choices, blank=True)
    requested_at = models.DateTimeField(_("requested at"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("requested by")
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ended by"),
    )
    code_hash = models.CharField(max_length=128, blank=True, editable=False)
    code_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    code_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    code_attempts = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["community", "-requested_at", "pk"]
        verbose_name = _("family link")
        verbose_name_plural = _("family links")
        constraints = [
            models.UniqueConstraint(
                fields=["helper", "elder"],
                name="uniq_open_family_link",
                condition=models.Q(status__in=["requested", "active"]),
            ),
            models.CheckConstraint(condition=~models.Q(helper=models.F("elder")), name="family_link_not_self"),
        ]
        indexes = [models.Index(fields=["helper", "status"]), models.Index(fields=["elder", "status"])]

    def __str__(self) -> str:
        return f"{self.helper} → {self.elder}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class RegisterImport(Progress):
    """One upload of the resident register: its preview (dry run), then the import run in the background.

    The uploaded file is kept (default storage) only until the import has run: it holds full ID numbers."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    community = models.ForeignKey(
        "places.Community", on_delete=models.CASCADE, related_name="register_imports", verbose_name=_("community")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    file_name = models.CharField(_("file name"), max_length=200)
    stored_as = models.CharField(max_length=300, blank=True, editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    create_buildings = models.BooleanField(_("create missing buildings"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PREVIEWED)
    counts = models.JSONField(_("counts"), default=dict)
    rows = models.JSONField(_("rows"), default=list, help_text=_("What each row would do (or did), and why."))
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("register import")
        verbose_name_plural = _("register imports")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class RegisterExport(Progress):
    """One export of a community's register, written in the background to the media storage.

    The workbook may carry full ID numbers: only the community's staff who may import download it (those who may
    reveal ID numbers, when it has them), every request and download is audited, and the file is deleted once it
    is `EXPIRES_AFTER` old."""

    EXPIRES_AFTER = dt.timedelta(hours=24)

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Writing")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    community = models.ForeignKey(
        "places.Community", on_delete=models.CASCADE, related_name="register_exports", verbose_name=_("community")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    full_id_numbers = models.BooleanField(_("full ID numbers"), default=False)
    birth_dates = models.BooleanField(_("birth dates"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    stored_as = models.CharField(max_length=300, blank=True, editable=False)
    residents = models.PositiveIntegerField(_("residents"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("register export")
        verbose_name_plural = _("register exports")

    def __str__(self) -> str:
        return f"{self.community_id} {self.created_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        return 100 if self.status == self.Status.DONE else super().percent

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def expires_at(self) -> dt.datetime:
        return self.created_at + self.EXPIRES_AFTER

    @property
    def file_name(self) -> str:
        return f"register-{self.community.code}-{timezone.localtime(self.created_at):%Y-%m-%d}.xlsx"
