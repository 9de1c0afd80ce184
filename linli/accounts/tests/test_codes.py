"""One-time codes are stored as a keyed hash (HMAC-SHA256 under SECRET_KEY) bound to their purpose and number."""

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from linli.accounts import services
from linli.accounts.codes import PREFIX, code_hash, code_matches
from linli.accounts.models import OneTimeCode

from .conftest import code_from_outbox

pytestmark = pytest.mark.django_db

NEW = "13912345678"


def test_the_stored_value_is_a_keyed_hash_not_the_code(django_capture_on_commit_callbacks: Any) -> None:
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        services.signup_request(mobile=NEW, now=now)
    code = code_from_outbox()
    otp = OneTimeCode.objects.get(mobile=NEW)
    assert otp.code_hash.startswith(PREFIX) and code not in otp.code_hash
    assert otp.code_hash == code_hash(code, purpose=OneTimeCode.Purpose.SIGNUP, mobile=NEW)
    assert otp.created_at == now  # issued when it was asked for


def test_a_code_verifies_only_for_its_purpose_and_number() -> None:
    stored = code_hash("123456", purpose="login", mobile=NEW)
    assert code_matches(" 123456 ", stored, purpose="login", mobile=NEW)
    assert not code_matches("123457", stored, purpose="login", mobile=NEW)
    assert not code_matches("123456", stored, purpose="signup", mobile=NEW)
    assert not code_matches("123456", stored, purpose="login", mobile="13912345679")
    assert not code_matches("123456", "", purpose="login", mobile=NEW)


def test_wrong_guesses_count_and_lock_the_code(
    make_user: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    user = make_user()
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        services.otp_request(mobile=user.mobile, now=now)
    code = code_from_outbox()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(settings.OTP_MAX_ATTEMPTS):
        assert services.otp_verify(mobile=user.mobile, code=wrong, now=now) is None
    assert OneTimeCode.objects.get(mobile=user.mobile).attempts == settings.OTP_MAX_ATTEMPTS
    assert services.otp_verify(mobile=user.mobile, code=code, now=now) is None  # locked: the right code too


def test_a_code_hashed_before_with_a_password_hasher_still_verifies(make_user: Any, settings: Any) -> None:
    settings.PASSWORD_HASHERS = [*settings.PASSWORD_HASHERS, "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    user = make_user()
    now = timezone.now()
    legacy = make_password("654321", hasher="pbkdf2_sha256")
    assert legacy.startswith("pbkdf2_sha256$")
    OneTimeCode.objects.create(mobile=user.mobile, code_hash=legacy, expires_at=now + dt.timedelta(minutes=5))
    assert services.otp_verify(mobile=user.mobile, code="000000", now=now) is None
    assert services.otp_verify(mobile=user.mobile, code="654321", now=now) == user


def test_codes_made_before_a_key_rotation_verify_while_the_old_key_is_a_fallback(settings: Any) -> None:
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "old-key-" + "x" * 50, []
    stored = code_hash("123456", purpose="login", mobile=NEW)
    settings.SECRET_KEY = "new-key-" + "y" * 50
    assert not code_matches("123456", stored, purpose="login", mobile=NEW)
    settings.SECRET_KEY_FALLBACKS = ["old-key-" + "x" * 50]
    assert code_matches("123456", stored, purpose="login", mobile=NEW)
    assert not code_matches("654321", stored, purpose="login", mobile=NEW)
    assert code_hash("123456", purpose="login", mobile=NEW) != stored  # new codes use the new key
