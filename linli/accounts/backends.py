from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.http import HttpRequest

from .models import User
from .services import otp_verify


class OneTimeCodeBackend(BaseBackend):
    """Log in with a mobile number and the SMS code just sent to it."""

    def authenticate(
        self, request: HttpRequest | None, mobile: str | None = None, otp: str | None = None, **kwargs: Any
    ) -> User | None:
        if not mobile or not otp:
            return None
        return otp_verify(mobile=mobile, code=otp)

    def get_user(self, user_id: int) -> User | None:
        return User.objects.filter(pk=user_id, is_active=True).first()
