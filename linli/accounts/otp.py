"""Issuing one-time codes: the work of the `otp_send` and `signup_send` tasks that `services` queues."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.notifications.services import notify_sms

from .codes import code_hash, code_new
from .models import OneTimeCode, User


def _code_send(*, mobile: str, purpose: str, now: dt.datetime, message: str) -> None:
    """Make a code, store its hash for `mobile` and send it by SMS; `message` holds the code as %(code)s, the
    minutes as %(m)d."""
    code = code_new()
    OneTimeCode.objects.create(
        mobile=mobile,
        purpose=purpose,
        code_hash=code_hash(code, purpose=purpose, mobile=mobile),
        created_at=now,
        expires_at=now + dt.timedelta(seconds=settings.OTP_TTL_SECONDS),
    )
    notify_sms(mobile=mobile, text=message % {"code": code, "m": settings.OTP_TTL_SECONDS // 60})


def otp_issue(*, mobile: str, now: dt.datetime | None = None) -> bool:
    """Make a code for an active account and send it by SMS (after the commit). False when there is no account."""
    now = now or timezone.now()
    with transaction.atomic():
        if not User.objects.filter(mobile=mobile, is_active=True).exists():
            return False
        _code_send(
            mobile=mobile,
            purpose=OneTimeCode.Purpose.LOGIN,
            now=now,
            message=_("Your Linli login code is %(code)s, valid for %(m)d minutes."),
        )
    return True


def site_link(path: str) -> str:
    """A link for an SMS: the site's address (settings.SITE_URL) in front of `path`."""
    return f"{settings.SITE_URL}{path}"


def signup_issue(*, mobile: str, now: dt.datetime | None = None) -> bool:
    """Send a sign-up code to a number with no account. A number that has one is told by SMS to sign in instead:
    only its owner learns that, the page that asked answers the same either way. True when a code was sent."""
    now = now or timezone.now()
    with transaction.atomic():
        if User.objects.filter(mobile=mobile).exists():
            notify_sms(
                mobile=mobile,
                text=_("This number already has a Linli account. Sign in with an SMS code: %(url)s")
                % {"url": site_link(reverse("accounts:otp_login"))},
            )
            return False
        _code_send(
            mobile=mobile,
            purpose=OneTimeCode.Purpose.SIGNUP,
            now=now,
            message=_("Your Linli sign-up code is %(code)s, valid for %(m)d minutes."),
        )
    return True
