"""Accounts log in by mobile number. Roles are held per community, per street, or city-wide."""

from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.masking import mask_mobile

from .validators import mobile_validator


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, mobile: str, password: str | None = None, **extra: Any) -> "User":
        user = self.model(mobile=mobile, **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, mobile: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(mobile, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    mobile = models.CharField(_("mobile number"), max_length=11, unique=True, validators=[mobile_validator])
    display_name = models.CharField(_("name"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("can use the admin site"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    elder_mode = models.BooleanField(_("elder mode"), default=False)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "mobile"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return self.display_name or self.masked_mobile

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile)


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    VOLUNTEER = "volunteer", _("Volunteer")
    GRID_STEWARD = "grid_steward", _("Grid steward")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    COMMUNITY_ADMIN = "community_admin", _("Community admin")
    MERCHANT_STAFF = "merchant_staff", _("Merchant staff")
    OPERATOR = "operator", _("Operator")
    STREET_ADMIN = "street_admin", _("Street admin")
    CITY_VIEWER = "city_viewer", _("City viewer")
    CITY_ADMIN = "city_admin", _("City admin")


COMMUNITY_ROLES = frozenset(
    {
        Role.RESIDENT,
        Role.VOLUNTEER,
        Role.GRID_STEWARD,
        Role.SOCIAL_WORKER,
        Role.COMMUNITY_ADMIN,
        Role.MERCHANT_STAFF,
        Role.OPERATOR,
    }
)


class RoleAssignment(models.Model):
    """A role held in one community, one street (street admin) or the whole city (city viewer, city admin)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles", verbose_name=_("account")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    community = models.ForeignKey(
        "places.Community",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        verbose_name=_("community"),
    )
    street = models.ForeignKey(
        "places.Street",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        verbose_name=_("street"),
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.CheckConstraint(
                name="role_scope_matches_role",
                condition=(
                    Q(role__in=sorted(r.value for r in COMMUNITY_ROLES), community__isnull=False, street__isnull=True)
                    | Q(role=Role.STREET_ADMIN, street__isnull=False, community__isnull=True)
                    | Q(role__in=[Role.CITY_VIEWER, Role.CITY_ADMIN], street__isnull=True, community__isnull=True)
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "community"], name="uniq_community_role", condition=Q(community__isnull=False)
            ),
            models.UniqueConstraint(
                fields=["user", "role", "street"], name="uniq_street_role", condition=Q(street__isnull=False)
            ),
            models.UniqueConstraint(fields=["user"], name="uniq_city_viewer", condition=Q(role="city_viewer")),
            models.UniqueConstraint(fields=["user"], name="uniq_city_admin", condition=Q(role="city_admin")),
        ]

    def __str__(self) -> str:
        where = self.community or self.street or _("city")
        return f"{self.get_role_display()} @ {where}"


class OneTimeCode(models.Model):
    """An SMS code to sign in or to sign up. Only its hash is kept; it expires, and wrong guesses are counted."""

    class Purpose(models.TextChoices):
        LOGIN = "login", _("sign in")
        SIGNUP = "signup", _("sign up")

    mobile = models.CharField(_("mobile number"), max_length=11, db_index=True)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices, default=Purpose.LOGIN)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")

    def __str__(self) -> str:
        return f"{mask_mobile(self.mobile)} {self.created_at:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once. It expires."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("account")
    )
    name = models.CharField(_("name"), max_length=60)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("prefix"), max_length=8)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
