"""Sign-in backends. Both count each try against the sign-in throttle (per mobile number and per client address)
before checking anything, so every way in — the login pages, the API token endpoint, the admin — is limited."""

from typing import Any

from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.http import HttpRequest

from linli.core import throttle

from .models import User
from .services import otp_verify


def signin_keys(request: HttpRequest | None, mobile: str) -> tuple[throttle.Key, throttle.Key]:
    return ("login.mobile", str(mobile).strip()[:32]), ("login.address", throttle.client_address(request))


def _throttled(request: HttpRequest | None, mobile: str, check: Any) -> User | None:
    """Count the try, run `check`; a success wipes the number's count and gives the address its try back.
    Raises `throttle.Throttled` while either is cooling down."""
    by_mobile, by_address = signin_keys(request, mobile)
    throttle.attempt(by_mobile, by_address)
    user: User | None = check()
    if user is not None:
        throttle.clear(by_mobile)
        throttle.forgive(by_address)
    return user


class PasswordBackend(ModelBackend):
    """Django's password check (which hashes for unknown numbers too), behind the sign-in throttle."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        mobile = username if username is not None else kwargs.get(User.USERNAME_FIELD)
        if mobile is None or password is None:
            return None
        check = super().authenticate
        found: Any = _throttled(request, mobile, lambda: check(request, username=mobile, password=password))
        return found


class OneTimeCodeBackend(BaseBackend):
    """Log in with a mobile number and the SMS code just sent to it."""

    def authenticate(
        self, request: HttpRequest | None, mobile: str | None = None, otp: str | None = None, **kwargs: Any
    ) -> User | None:
        if not mobile or not otp:
            return None
        return _throttled(request, mobile, lambda: otp_verify(mobile=mobile, code=otp))

    def get_user(self, user_id: int) -> User | None:
        return User.objects.filter(pk=user_id, is_active=True).first()
