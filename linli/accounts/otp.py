"""Issuing one-time codes: the work of the `otp_send` and `signup_send` tasks that `services` queues."""

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.notifications.services import notify_sms

from .models import OneTimeCode, User


def otp_issue(*, mobile: str, now: dt.datetime | None = None) -> bool:
    """Make a code for an active account and send it by SMS (after the commit). False when there is no account."""
    now = now or timezone.now()
    code = f"{secrets.randbelow(1_000_000):06d}"
    code_hash = make_password(code)
    with transaction.atomic():
        if not User.objects.filter(mobile=mobile, is_active=True).exists():
            return False
        OneTimeCode.objects.create(
            mobile=mobile,
            purpose=OneTimeCode.Purpose.LOGIN,
            code_hash=code_hash,
            expires_at=now + dt.timedelta(seconds=settings.OTP_TTL_SECONDS),
        )
        minutes = settings.OTP_TTL_SECONDS // 60
        notify_sms(
            mobile=mobile,
            text=_("Your Linli login code is %(code)s, valid for %(m)d minutes.") % {"code": code, "m": minutes},
        )
    return True


def site_link(path: str) -> str:
    """A link for an SMS: the site's address (settings.SITE_URL) in front of `path`."""
    return f"{settings.SITE_URL}{path}"


def signup_issue(*, mobile: str, now: dt.datetime | None = None) -> bool:
    """Send a sign-up code to a number with no account. A number that has one is told by SMS to sign in instead:
    only its owner learns that, the page that asked answers the same either way. True when a code was sent."""
    now = now or timezone.now()
    code = f"{secrets.randbelow(1_000_000):06d}"
    code_hash = make_password(code)
    with transaction.atomic():
        if User.objects.filter(mobile=mobile).exists():
            notify_sms(
                mobile=mobile,
                text=_("This number already has a Linli account. Sign in with an SMS code: %(url)s")
                % {"url": site_link(reverse("accounts:otp_login"))},
            )
            return False
        OneTimeCode.objects.create(
            mobile=mobile,
            purpose=OneTimeCode.Purpose.SIGNUP,
            code_hash=code_hash,
            expires_at=now + dt.timedelta(seconds=settings.OTP_TTL_SECONDS),
        )
        minutes = settings.OTP_TTL_SECONDS // 60
        notify_sms(
            mobile=mobile,
            text=_("Your Linli sign-up code is %(code)s, valid for %(m)d minutes.") % {"code": code, "m": minutes},
        )
    return True
