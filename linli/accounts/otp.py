"""Issuing a one-time login code: the work of the `otp_send` task that `services.otp_request` queues."""

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
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
            code_hash=code_hash,
            expires_at=now + dt.timedelta(seconds=settings.OTP_TTL_SECONDS),
        )
        minutes = settings.OTP_TTL_SECONDS // 60
        notify_sms(
            mobile=mobile,
            text=_("Your Linli login code is %(code)s, valid for %(m)d minutes.") % {"code": code, "m": minutes},
        )
    return True
