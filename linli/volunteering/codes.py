"""The rotating check-in code: six digits from an HMAC of (activity, time window). The code of the current
window and of the one before are accepted, so a code typed as it changes still works; nothing older, and
nothing made for another activity."""

import datetime as dt
import hashlib
import hmac

from django.conf import settings

WINDOW_SECONDS = 60


def window_of(at: dt.datetime) -> int:
    return int(at.timestamp()) // WINDOW_SECONDS


def code_for(activity: object, window: int) -> str:
    key = f"{settings.SECRET_KEY}:{activity.checkin_secret}".encode()  # type: ignore[attr-defined]
    message = f"checkin:{activity.pk}:{window}".encode()  # type: ignore[attr-defined]
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:4], 'big') % 1_000_000:06d}"


def current_code(activity: object, now: dt.datetime) -> str:
    return code_for(activity, window_of(now))


def seconds_left(now: dt.datetime) -> int:
    return WINDOW_SECONDS - int(now.timestamp()) % WINDOW_SECONDS


def code_valid(activity: object, code: str, now: dt.datetime) -> bool:
    code = "".join(ch for ch in str(code) if ch.isdigit())
    if len(code) != 6:
        return False
    window = window_of(now)
    return any(hmac.compare_digest(code, code_for(activity, w)) for w in (window, window - 1))
