"""Short one-time codes (six digits sent by SMS): made, stored and checked the same way wherever they are used.

A six-digit code has a million values: stretching its hash (a password hasher) would not keep it from someone who
holds the table, a secret key does. So a code is stored as an HMAC-SHA256 keyed with SECRET_KEY (Django's
`salted_hmac`) over what it is for, the number it was sent to and the code itself: it proves nothing for another
purpose or number. After SECRET_KEY is rotated, codes made under a key listed in SECRET_KEY_FALLBACKS still verify,
as Django's own signed values do, until they expire. Codes stored before this scheme (a password hash,
"pbkdf2_sha256$…") verify through `check_password` until they expire."""

import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.utils.crypto import constant_time_compare, salted_hmac

PREFIX = "hmac-sha256$"
_KEY_SALT = "linli.accounts.codes"


def code_new() -> str:
    """Six random digits."""
    return f"{secrets.randbelow(1_000_000):06d}"


def _digest(code: str, *, purpose: str, mobile: str, secret: str | bytes) -> str:
    value = f"{purpose}\0{mobile}\0{code}"
    return PREFIX + salted_hmac(_KEY_SALT, value, secret=secret, algorithm="sha256").hexdigest()


def code_hash(code: str, *, purpose: str, mobile: str) -> str:
    """What is stored of `code`, sent to `mobile` for `purpose`."""
    return _digest(code, purpose=purpose, mobile=mobile, secret=settings.SECRET_KEY)


def code_matches(code: str, stored: str, *, purpose: str, mobile: str) -> bool:
    """Whether `code` is the one stored as `stored` for this purpose and number (compared in constant time)."""
    code = code.strip()
    if not stored.startswith(PREFIX):
        return bool(stored) and check_password(code, stored)
    return any(
        constant_time_compare(stored, _digest(code, purpose=purpose, mobile=mobile, secret=secret))
        for secret in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)
    )
