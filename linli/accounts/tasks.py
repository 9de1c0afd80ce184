import datetime as dt

from django.conf import settings
from django.utils import translation
from django_tasks import task

from .otp import otp_issue, signup_issue


@task()
def otp_send(mobile: str, requested_at: str, language: str = "") -> bool:
    """Send the login code asked for at `requested_at`, if the number has an account (see `otp_request`)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return otp_issue(mobile=mobile, now=dt.datetime.fromisoformat(requested_at))


@task()
def signup_send(mobile: str, requested_at: str, language: str = "") -> bool:
    """Send the sign-up code asked for at `requested_at` (see `signup_request`)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return signup_issue(mobile=mobile, now=dt.datetime.fromisoformat(requested_at))
