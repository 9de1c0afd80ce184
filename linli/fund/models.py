"""The community fund (强社基金): donations in, grant rounds, applications, scored reviews, tranches out.

Money lives in the ledger: a donation is a deposit from outside into the fund's account (`community_fund`,
in fen, held at or above zero); a tranche moves money from the fund's account to the grant's own account;
reported spending moves it from the grant's account out of the platform. The rows here describe and link
those ledger transactions; every amount shown to the public is summed from ledger entries.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Donation(models.Model):
    class DonorKind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise")
        RESIDENT = "resident", _("Resident")
        NATIVE_ABROAD = "native_abroad", _("Native or overseas Chinese (乡贤、侨胞)")
        FOUNDATION = "foundation", _("Foundation")
        OTHER = "other", _("Other")

    community = models.ForeignKey("places.Community", on_delete=models.PROTECT, related_name="donations")
    donor_kind = models.CharField(_("donor"), max_length=14, choices=DonorKind.choices)
    donor_name = models.CharField(_("donor's name"), max_length=80)
    partner = models.ForeignKey(
        "partners.Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="donations"
    )
    anonymous = models.BooleanField(_("anonymous on the public page"), default=False)
    amount_fen = models.PositiveBigIntegerField(_("amount (fen)"))
    receipt_no = models.CharField(_("receipt number"), max_length=24)
    received_on = models.DateField(_("received on"))
    purpose = models.CharField(_("purpose"), max_length=120, blank=True)
    transaction = models.OneToOneField("ledger.Transaction", on_delete=models.PROTECT, related_name="donation")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    contribution = models.OneToOneField(
        "partners.Contribution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="donation",
        verbose_name=_("partner's money contribution"),
    )

    class Meta:
        ordering = ["community", "-received_on", "-pk"]
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        constraints = [
            models.UniqueConstraint(fields=["community", "receipt_no"], name="uniq_donation_receipt"),
            models.CheckConstraint(name="donation_positive", condition=Q(amount_fen__gt=0)),
        ]

    def __str__(self) -> str:
        return self.receipt_no

    @property
    def public_name(self) -> str:
        return str(_("Anonymous donor")) if self.anonymous else self.donor_name


class Category(models.TextChoices):
    PARTY_BUILDING = "party_building", _("Party building (党建)")
    SERVICES = "services", _("Services (服务)")
    SAFETY = "safety", _("Safety (平安)")
    CONSULTATION = "consultation", _("Consultation (共商)")
    SOCIAL_INNOVATION = "social_innovation", _("Social innovation (社创)")


class GrantRound(models.Model):
    class Status(models.TextChoices):
        # With a context: other apps translate a bare "Closed" their own way (a case closed, a project ended).
        OPEN = "open", pgettext_lazy("grant round status", "Open for applications")
        REVIEWING = "reviewing", pgettext_lazy("grant round status", "Under review")
        CLOSED = "closed", pgettext_lazy("grant round status", "Closed")

    community = models.ForeignKey("places.Community", on_delete=models.PROTECT, related_name="grant_rounds")
    name = models.CharField(_("name"), max_length=80)
    categories = models.JSONField(_("categories"), default=list)
    budget_fen = models.PositiveBigIntegerField(_("budget (fen)"))
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    min_reviews = models.PositiveSmallIntegerField(_("reviews needed before a decision"), default=3)
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="fund_review_rounds", verbose_name=_("reviewers")
    )

    class Meta:
        ordering = ["community", "-opens_on"]
        verbose_name = _("grant round")
        verbose_name_plural = _("grant rounds")
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="uniq_grant_round_name"),
            models.CheckConstraint(name="grant_round_dates", condition=Q(closes_on__gte=models.F("opens_on"))),
        ]

    def __str__(self) -> str:
        return self.name

    def category_labels(self) -> list[str]:
        return [str(label) for code, label in Category.choices if code in self.categories]


class Application(models.Model):
    """An application for a grant; once approved, `approved_fen` caps what its tranches may pay."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        COMPLETED = "completed", _("Completed")

    community = models.ForeignKey("places.Community", on_delete=models.PROTECT, related_name="fund_applications")
    round = models.ForeignKey(GrantRound, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="fund_applications", verbose_name=_("applicant")
    )
    title = models.CharField(_("project title"), max_length=100)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    summary = models.TextField(_("what the project does"), max_length=4000)
    requested_fen = models.PositiveBigIntegerField(_("requested (fen)"))
    approved_fen = models.PositiveBigIntegerField(_("approved (fen)"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)

    class Meta:
        ordering = ["round", "-submitted_at", "-pk"]
        verbose_name = _("grant application")
        verbose_name_plural = _("grant applications")
        constraints = [
            models.CheckConstraint(name="application_requested_positive", condition=Q(requested_fen__gt=0)),
            models.CheckConstraint(
                name="application_approved_within_request", condition=Q(approved_fen__lte=models.F("requested_fen"))
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def can_disburse(self) -> bool:
        return self.status == self.Status.APPROVED


class Review(models.Model):
    """One reviewer's score (0–100) of one application. A reviewer with a conflict of interest cannot score."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="fund_reviews")
    score = models.PositiveSmallIntegerField(_("score (0–100)"), validators=[MaxValueValidator(100)])
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("scored at"))

    class Meta:
        ordering = ["application", "pk"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="uniq_review_per_reviewer"),
            models.CheckConstraint(name="review_score_range", condition=Q(score__lte=100)),
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.score}"


class ConflictDeclaration(models.Model):
    """A declared conflict of interest: this reviewer is tied to this partner (beyond what the register shows:
    family, former employer…). With the partner's staff list and shared projects, it bars the reviewer."""

    community = models.ForeignKey("places.Community", on_delete=models.CASCADE, related_name="fund_conflicts")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fund_conflicts")
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="declared_conflicts")
    reason = models.CharField(_("reason"), max_length=200)
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [models.UniqueConstraint(fields=["reviewer", "partner"], name="uniq_conflict")]

    def __str__(self) -> str:
        return f"{self.reviewer} ≠ {self.partner}"


class Tranche(models.Model):
    """One payment of an approved grant: the ledger transaction from the fund's account to the grant's."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="tranches")
    number = models.PositiveSmallIntegerField(_("number"))
    amount_fen = models.PositiveBigIntegerField(_("amount (fen)"))
    transaction = models.OneToOneField("ledger.Transaction", on_delete=models.PROTECT, related_name="fund_tranche")
    paid_at = models.DateTimeField(_("paid at"))
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["application", "number"]
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="uniq_tranche_number"),
            models.CheckConstraint(name="tranche_positive", condition=Q(amount_fen__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.application} #{self.number}"


class ProjectReport(models.Model):
    """The grantee's report: what was done and what was spent (a ledger payment out of the grant's account)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="reports")
    period = models.CharField(_("period"), max_length=40)
    body = models.TextField(_("what was done"), max_length=4000)
    spent_fen = models.PositiveBigIntegerField(_("spent (fen)"), default=0)
    transaction = models.OneToOneField(
        "ledger.Transaction", null=True, blank=True, on_delete=models.PROTECT, related_name="fund_report"
    )
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        ordering = ["application", "submitted_at"]
        verbose_name = _("project report")
        verbose_name_plural = _("project reports")

    def __str__(self) -> str:
        return f"{self.application} · {self.period}"
