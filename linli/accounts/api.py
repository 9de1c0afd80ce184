import datetime as dt
from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from linli.core import throttle
from linli.core.errors import DomainError

from . import rules, selectors, services
from .api_auth import AUTH
from .models import ApiToken
from .types import account_of

router = Router(tags=["accounts"])


class TokenIn(Schema):
    mobile: str = Field(max_length=11)
    password: str = Field("", max_length=128)
    otp: str = Field("", max_length=6, description="An SMS code instead of the password")
    name: str = Field("api", max_length=60)
    days: int | None = Field(None, ge=1, le=3650, description="Days the token is valid (default 90, at most 365)")


class TokenOut(Schema):
    token: str
    prefix: str
    expires_at: dt.datetime


class TokenInfoOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None
    status: str = Field(description="active, expired or revoked")


def token_info(token: ApiToken) -> dict[str, Any]:
    if token.revoked_at is not None:
        status = "revoked"
    elif token.expires_at <= timezone.now():
        status = "expired"
    else:
        status = "active"
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "expires_at": token.expires_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
        "status": status,
    }


class OtpIn(Schema):
    mobile: str = Field(max_length=20)


class SignupIn(Schema):
    mobile: str = Field(max_length=11)
    otp: str = Field(max_length=6, description="The sign-up code from the SMS")
    display_name: str = Field(max_length=40)
    password: str = Field("", max_length=128, description="Optional: without one, sign in with SMS codes")
    token_name: str = Field("api", max_length=60)


class RoleOut(Schema):
    role: str
    community: str | None
    street: str | None


class AccountMeOut(Schema):
    mobile: str
    display_name: str
    elder_mode: bool
    language: str
    roles: list[RoleOut]
    verified: bool = Field(description="实名核验 done: the account is bound to a resident on the register")
    resident_community: str | None = Field(None, description="The community code of that resident")


@router.post("/auth/otp", response={202: dict}, auth=None, summary="Send an SMS login code")
def otp_request(request: HttpRequest, payload: OtpIn) -> Status[Any]:
    services.otp_request(mobile=payload.mobile, address=throttle.client_address(request))
    return Status(202, {"detail": _("If this number has an account, a code is on its way.")})


@router.post(
    "/auth/signup/code",
    response={202: dict},
    auth=None,
    summary="Send an SMS sign-up code",
    description="The same answer whether or not the number has an account; a number with an account gets an SMS "
    "telling it to sign in instead. Limited together with login codes (429).",
)
def signup_code(request: HttpRequest, payload: OtpIn) -> Status[Any]:
    services.signup_request(mobile=payload.mobile, address=throttle.client_address(request))
    return Status(202, {"detail": _("A code is on its way by SMS.")})


@router.post(
    "/auth/signup",
    response={201: TokenOut},
    auth=None,
    summary="Sign up with the SMS code",
    description="Makes the account and answers an API token for it. Next: `POST /me/verify` (实名核验).",
)
def signup(request: HttpRequest, payload: SignupIn) -> Status[Any]:
    user = services.signup_complete(
        mobile=payload.mobile,
        code=payload.otp,
        display_name=payload.display_name,
        password=payload.password,
        address=throttle.client_address(request),
        via="api",
    )
    token, key = services.api_token_create(user=user, name=payload.token_name, days=None)
    return Status(201, {"token": key, "prefix": token.prefix, "expires_at": token.expires_at})


@router.post(
    "/auth/token",
    response={201: TokenOut},
    auth=None,
    summary="Get an API token",
    description="Tries are limited per mobile number and per client address: too many answer 429 until a "
    "cooldown ends. The token expires (`days`, 90 by default).",
)
def token_create(request: HttpRequest, payload: TokenIn) -> Status[Any]:
    if payload.otp:
        user = authenticate(request, mobile=payload.mobile, otp=payload.otp)
    else:
        user = authenticate(request, mobile=payload.mobile, password=payload.password)
    if user is None:
        raise DomainError(_("The mobile number and password (or code) do not match."), code="bad_credentials")
    token, key = services.api_token_create(user=user, name=payload.name, days=payload.days)
    return Status(201, {"token": key, "prefix": token.prefix, "expires_at": token.expires_at})


@router.get("/auth/tokens", response=list[TokenInfoOut], auth=AUTH, summary="My API tokens")
def token_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [token_info(t) for t in selectors.api_tokens_of(user=request.user)[:500]]


@router.delete("/auth/tokens/{prefix}", response={204: None}, auth=AUTH, summary="Revoke one of my API tokens")
def token_revoke(request: HttpRequest, prefix: str) -> Status[Any]:
    user = account_of(request.user)  # signed in: the route's authentication let them through
    token = selectors.api_token_get(user=user, prefix=prefix[:8])
    services.api_token_revoke(user=user, token=token)
    return Status(204, None)


@router.delete("/auth/token/{prefix}", response={204: None}, auth=AUTH, include_in_schema=False)
def token_revoke_old_path(request: HttpRequest, prefix: str) -> Status[Any]:
    return token_revoke(request, prefix)


@router.get("/me", response=AccountMeOut, auth=AUTH)
def me(request: HttpRequest) -> dict[str, Any]:
    user = account_of(request.user)  # signed in: the route's authentication let them through
    rules.access_for(user)
    roles = [
        {
            "role": r.role,
            "community": r.community.code if r.community else None,
            "street": r.street.code if r.street else None,
        }
        for r in selectors.roles_of(user=user)
    ]
    resident = getattr(user, "resident", None)  # the register's profile bound by 实名核验 (people), if any
    return {
        "mobile": user.mobile,
        "display_name": user.display_name,
        "elder_mode": user.elder_mode,
        "language": user.language,
        "roles": roles,
        "verified": resident is not None,
        "resident_community": resident.community.code if resident is not None else None,
    }
