"""One throttle for everything that can be guessed or flooded: sign-in, SMS codes, check-in codes.

Each scope has a limit in `settings.THROTTLES`: `(attempts, window_seconds, cooldown_seconds)`. An attempt is
counted *before* the guarded work runs, on a row locked for the count (`SELECT … FOR UPDATE`), so parallel
requests cannot slip past the limit: the attempt that reaches the limit still runs and starts the cooldown, any
later one is refused with `Throttled` (HTTP 429 on the API, a form error on pages) until the cooldown ends.
A success can give its attempt back (`forgive`) or wipe the count (`clear`).

Keys are stored as keyed hashes: the table holds no mobile numbers or addresses.
"""

import datetime as dt
import hashlib
import hmac
import ipaddress
import math
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Q, When
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import ngettext

from .errors import DomainError
from .models import ThrottleCounter


@dataclass(frozen=True)
class Limit:
    attempts: int
    window: int
    cooldown: int


def limit_for(scope: str) -> Limit:
    attempts, window, cooldown = settings.THROTTLES[scope]
    return Limit(int(attempts), int(window), int(cooldown))


class Throttled(DomainError):
    """Too many attempts: refused until the cooldown ends (`retry_after` seconds)."""

    code = "rate_limited"
    status = 429

    def __init__(self, retry_after: float, *, field: str | None = None) -> None:
        self.retry_after = max(1, math.ceil(retry_after))
        minutes = max(1, math.ceil(self.retry_after / 60))
        super().__init__(
            ngettext(
                "Too many attempts. Please try again in %(n)d minute.",
                "Too many attempts. Please try again in %(n)d minutes.",
                minutes,
            )
            % {"n": minutes},
            field=field,
        )


def _digest(scope: str, key: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{scope}\0{key}".encode(), hashlib.sha256).hexdigest()


Key = tuple[str, str | None]


def attempt(*keys: Key, now: dt.datetime | None = None, field: str | None = None) -> None:
    """Count one attempt for each `(scope, key)` (keys that are empty or None are skipped), atomically.

    Raises `Throttled` (counting nothing) when any of them is cooling down."""
    now = now or timezone.now()
    wanted = sorted({(scope, _digest(scope, key)) for scope, key in keys if key})
    if not wanted:
        return
    with transaction.atomic():
        # Rows are created in one global order, then locked in primary-key order: no deadlock between callers.
        ThrottleCounter.objects.bulk_create(
            [ThrottleCounter(scope=scope, key_hash=h, window_started_at=now) for scope, h in wanted],
            ignore_conflicts=True,
        )
        match = Q()
        for scope, h in wanted:
            match |= Q(scope=scope, key_hash=h)
        rows = list(ThrottleCounter.objects.select_for_update().filter(match).order_by("pk"))
        waits = [
            (row.blocked_until - now).total_seconds() for row in rows if row.blocked_until and now < row.blocked_until
        ]
        if waits:
            raise Throttled(max(waits), field=field)
        for row in rows:
            limit = limit_for(row.scope)
            if row.blocked_until is not None or now >= row.window_started_at + dt.timedelta(seconds=limit.window):
                row.count, row.window_started_at, row.blocked_until = 0, now, None
            row.count += 1
            if row.count >= limit.attempts:
                row.blocked_until = now + dt.timedelta(seconds=limit.cooldown)
            row.save(update_fields=["count", "window_started_at", "blocked_until"])


def forgive(*keys: Key) -> None:
    """Give one attempt back (it succeeded), lifting a cooldown that this very attempt had started."""
    for scope, key in keys:
        if not key:
            continue
        limit = limit_for(scope)
        ThrottleCounter.objects.filter(scope=scope, key_hash=_digest(scope, key), count__gt=0).update(
            count=F("count") - 1,
            blocked_until=Case(When(count__lte=limit.attempts, then=None), default=F("blocked_until")),
        )


def clear(*keys: Key) -> None:
    """Forget the attempts (e.g. the account proved itself with the right password)."""
    for scope, key in keys:
        if key:
            ThrottleCounter.objects.filter(scope=scope, key_hash=_digest(scope, key)).update(
                count=0, blocked_until=None
            )


def prune(*, now: dt.datetime | None = None) -> int:
    """Delete counters whose window and cooldown have long passed."""
    now = now or timezone.now()
    longest = max((max(int(w), int(c)) for _, w, c in settings.THROTTLES.values()), default=0)
    horizon = now - dt.timedelta(seconds=longest) - dt.timedelta(days=1)
    deleted, _ = (
        ThrottleCounter.objects.filter(window_started_at__lt=horizon)
        .filter(Q(blocked_until__isnull=True) | Q(blocked_until__lt=now))
        .delete()
    )
    return deleted


@cache
def _trusted_proxies(configured: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in configured)


def _is_trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in _trusted_proxies(tuple(settings.TRUSTED_PROXIES)))


def client_address(request: HttpRequest | None) -> str:
    """The client's address for throttling: REMOTE_ADDR, or — only when REMOTE_ADDR is one of
    `settings.TRUSTED_PROXIES` — the right-most X-Forwarded-For entry that is not a trusted proxy.
    IPv6 addresses count per /64, the block one subscriber usually holds."""
    if request is None:
        return ""
    address = request.META.get("REMOTE_ADDR", "") or ""
    if _is_trusted(address):
        hops = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        while hops and _is_trusted(hops[-1]):
            hops.pop()
        if hops:
            address = hops[-1]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)
