"""Writing accounts: SMS one-time codes, API tokens, role grants. Each in a transaction, audited."""

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from linli.audit.services import audit_record, snapshot
from linli.core import throttle
from linli.core.errors import DomainError, NotAllowed

from . import rules, tasks
from .codes import code_matches
from .models import COMMUNITY_ROLES, ApiToken, OneTimeCode, Role, RoleAssignment, User
from .types import Actor
from .validators import mobile_validator


def _valid_mobile(mobile: str) -> str:
    mobile = mobile.strip()
    try:
        mobile_validator(mobile)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], field="mobile", code="invalid_mobile") from None
    return mobile


def otp_request(*, mobile: str, address: str = "", now: dt.datetime | None = None) -> None:
    """Queue a 6-digit login code for this number. Limited per number and per client address, atomically.

    Says nothing of whether the account exists: every valid number gets the same answer, in the same time, and
    the same refusal once over the limit. The account is looked up, the code hashed and the SMS sent by a
    background task (`otp_send`), so the answer waits on none of them."""
    mobile = _valid_mobile(mobile)
    now = now or timezone.now()
    throttle.attempt(("otp.mobile", mobile), ("otp.address", address), now=now, field="mobile")
    tasks.otp_send.enqueue(mobile=mobile, requested_at=now.isoformat(), language=translation.get_language() or "")


def _code_use(*, mobile: str, code: str, purpose: str, now: dt.datetime) -> bool:
    """True if `code` is the latest fresh code of this purpose for the number, using it up; each code allows only
    a few guesses."""
    with transaction.atomic():
        otp = (
            OneTimeCode.objects.select_for_update()
            .filter(mobile=mobile, purpose=purpose, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at", "-pk")
            .first()
        )
        if otp is None or otp.attempts >= settings.OTP_MAX_ATTEMPTS:
            return False
        if not code_matches(code, otp.code_hash, purpose=purpose, mobile=mobile):
            otp.attempts += 1
            otp.save(update_fields=["attempts"])
            return False
        otp.used_at = now
        otp.save(update_fields=["used_at"])
    return True


def otp_verify(*, mobile: str, code: str, now: dt.datetime | None = None) -> User | None:
    """The account if the code is right and fresh; each code works once and allows only a few guesses."""
    mobile = mobile.strip()
    if not _code_use(mobile=mobile, code=code, purpose=OneTimeCode.Purpose.LOGIN, now=now or timezone.now()):
        return None
    return User.objects.filter(mobile=mobile, is_active=True).first()


def signup_request(*, mobile: str, address: str = "", now: dt.datetime | None = None) -> None:
    """Queue a sign-up code for this number, under the same limits as login codes (they share them).

    The answer is the same whether the number has an account or not: the SMS differs (a number with an account is
    told to sign in instead), so only the phone's owner learns it. See `otp.signup_issue`."""
    mobile = _valid_mobile(mobile)
    now = now or timezone.now()
    throttle.attempt(("otp.mobile", mobile), ("otp.address", address), now=now, field="mobile")
    tasks.signup_send.enqueue(mobile=mobile, requested_at=now.isoformat(), language=translation.get_language() or "")


def _valid_password(password: str, *, mobile: str) -> str:
    if not password:
        return ""
    try:
        validate_password(password, User(mobile=mobile))
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="password", code="weak_password") from None
    return password


def signup_complete(
    *,
    mobile: str,
    code: str,
    display_name: str,
    password: str = "",
    address: str = "",
    via: str = "web",
    now: dt.datetime | None = None,
) -> User:
    """Make the account of a number that proved itself with its sign-up code. The password is optional (the
    account can always sign in with an SMS code). Code guesses count against the sign-in throttle."""
    mobile = _valid_mobile(mobile)
    now = now or timezone.now()
    display_name = display_name.strip()
    if not display_name or len(display_name) > 40:
        raise DomainError(_("Enter your name, at most 40 characters."), field="display_name", code="invalid_name")
    password = _valid_password(password, mobile=mobile)
    by_mobile, by_address = ("login.mobile", mobile), ("login.address", address)
    throttle.attempt(by_mobile, by_address, now=now, field="otp")
    if not _code_use(mobile=mobile, code=code, purpose=OneTimeCode.Purpose.SIGNUP, now=now):
        raise DomainError(_("The code is wrong or has expired. Ask for a new one."), field="otp", code="bad_code")
    throttle.clear(by_mobile)
    throttle.forgive(by_address)
    try:
        with transaction.atomic():
            user = User(mobile=mobile, display_name=display_name, date_joined=now)
            user.password = make_password(password or None)
            user.save()
            audit_record(actor=user, action="user.signup", instance=user, after=snapshot(user), via=via, at=now)
    except IntegrityError:
        raise DomainError(
            _("This number already has an account: sign in instead."), field="mobile", code="duplicate"
        ) from None
    return user


def _token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class TokenExpired(DomainError):
    code = "token_expired"
    status = 401


def api_token_create(
    *, user: User, name: str, days: int | None = None, via: str = "api", now: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """A new bearer token, valid for `days` (settings.API_TOKEN_DAYS unless given, at most API_TOKEN_MAX_DAYS).
    Returns the token and its key; the key is shown once, only its hash is kept."""
    now = now or timezone.now()
    name = name.strip()
    if not name or len(name) > 60:
        raise DomainError(_("Give the token a name of at most 60 characters."), field="name")
    days = settings.API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise DomainError(
            _("A token is valid for 1 to %(n)d days.") % {"n": settings.API_TOKEN_MAX_DAYS},
            field="days",
            code="invalid_days",
        )
    key = "ll_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, key_hash=_token_hash(key), prefix=key[:8], expires_at=now + dt.timedelta(days=days)
        )
        audit_record(
            actor=user,
            action="api_token.create",
            instance=token,
            after={"name": name, "prefix": token.prefix, "expires_at": token.expires_at.isoformat()},
            via=via,
        )
    return token, key


def api_token_revoke(*, user: User, token: ApiToken, via: str = "api", now: dt.datetime | None = None) -> ApiToken:
    """Revoke one of the user's own tokens (again is harmless)."""
    if token.user_id != user.pk:
        raise NotAllowed(_("This token is not yours."))
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = now or timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(
                actor=user,
                action="api_token.revoke",
                instance=token,
                before={"name": token.name, "prefix": token.prefix},
                after={"revoked_at": token.revoked_at.isoformat()},
                via=via,
            )
    return token


def api_token_authenticate(key: str, *, now: dt.datetime | None = None) -> User | None:
    """The token's account, recording the use; None for an unknown or revoked token; `TokenExpired` (401) once
    it has expired."""
    now = now or timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_token_hash(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    if token.expires_at <= now:
        raise TokenExpired(_("This API token has expired. Create a new one."))
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def user_create(*, actor: Actor, mobile: str, display_name: str = "", password: str | None = None) -> User:
    mobile = _valid_mobile(mobile)
    display_name = display_name.strip()
    if len(display_name) > 40:
        raise DomainError(_("A name has at most 40 characters."), field="display_name")
    with transaction.atomic():
        if User.objects.filter(mobile=mobile).exists():
            raise DomainError(_("An account with this mobile number already exists."), field="mobile", code="duplicate")
        user = User(mobile=mobile, display_name=display_name)
        user.password = make_password(password)
        user.save()
        audit_record(actor=actor, action="user.create", instance=user, after=snapshot(user))
    return user


def role_grant(*, actor: Actor, user: User, role: str, community: Any = None, street: Any = None) -> RoleAssignment:
    if role not in Role.values:
        raise DomainError(_("Unknown role “%(role)s”.") % {"role": role}, field="role")
    if role in COMMUNITY_ROLES and community is None:
        raise DomainError(_("This role is held in a community: choose one."), field="community")
    if role == Role.STREET_ADMIN and street is None:
        raise DomainError(_("A street admin needs a street."), field="street")
    target = community or street
    if not rules.can_grant_role(actor, community, role):
        raise NotAllowed(_("You may not grant this role."))
    try:
        with transaction.atomic():
            assignment = RoleAssignment.objects.create(
                user=user,
                role=role,
                community=community if role in COMMUNITY_ROLES else None,
                street=street if role == Role.STREET_ADMIN else None,
            )
            audit_record(
                actor=actor, action="role.grant", instance=assignment, community=community, after=snapshot(assignment)
            )
    except IntegrityError:
        raise DomainError(
            _("%(user)s already holds this role in %(where)s.") % {"user": user, "where": target or _("the city")},
            code="duplicate",
        ) from None
    rules.forget_access(user)
    return assignment


def role_revoke(*, actor: Actor, assignment: RoleAssignment) -> None:
    community = assignment.community
    if not rules.can_grant_role(actor, community, assignment.role):
        raise NotAllowed(_("You may not revoke this role."))
    with transaction.atomic():
        audit_record(
            actor=actor, action="role.revoke", instance=assignment, community=community, before=snapshot(assignment)
        )
        assignment.delete()
    rules.forget_access(assignment.user)


def staff_add(
    *, actor: Actor, mobile: str, display_name: str, role: str, community: Any = None, street: Any = None
) -> RoleAssignment:
    """Give a staff member a role: the account with this mobile number, made first if there is none (they log in
    with an SMS code). Granting and making the account happen together or not at all."""
    in_place = role in COMMUNITY_ROLES if community is not None else role == Role.STREET_ADMIN
    if role not in Role.values or not in_place:
        raise DomainError(_("This role cannot be held here."), field="role", code="wrong_role")
    if not rules.can_grant_role(actor, community, role):
        raise NotAllowed(_("You may not grant this role."))
    mobile = _valid_mobile(mobile)
    with transaction.atomic():
        user = User.objects.filter(mobile=mobile).first()
        if user is None:
            user = user_create(actor=actor, mobile=mobile, display_name=display_name)
        return role_grant(actor=actor, user=user, role=role, community=community, street=street)


def user_set_preferences(*, user: User, elder_mode: bool | None = None, language: str | None = None) -> User:
    fields = []
    if elder_mode is not None:
        user.elder_mode = elder_mode
        fields.append("elder_mode")
    if language is not None:
        if language and language not in dict(settings.LANGUAGES):
            raise DomainError(_("Unknown language."), field="language")
        user.language = language
        fields.append("language")
    if fields:
        with transaction.atomic():
            user.save(update_fields=fields)
    return user
