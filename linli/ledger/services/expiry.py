"""Points expire at the end of the year after they were earned; residents are told beforehand."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from linli.accounts.types import Actor
from linli.core.errors import DomainError
from linli.notifications.services import notify
from linli.places.models import Community

from .. import selectors
from ..models import Account, AccountKind, ExpiryNotice, LedgerSettings, TransactionKind, Unit
from .accounts import pool_account
from .posting import _fingerprint, _once, _post, lock_accounts

# --- expiry ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExpiryResult:
    accounts: int
    points: int


def _expiring_by_account(community: Community, policy: LedgerSettings, year: int) -> list[tuple[Account, int]]:
    since = selectors.year_start(year - policy.expiry_years + 1)
    accounts = Account.objects.filter(
        community=community, kind=AccountKind.RESIDENT, unit=Unit.POINTS, balance__gt=0
    ).annotate(recent=Sum("entries__amount", filter=Q(entries__amount__gt=0, entries__occurred_at__gte=since)))
    return [
        (a, a.balance - int(a.recent or 0))
        for a in accounts.select_related("resident__user")
        if a.balance > (a.recent or 0)
    ]


def points_expire(
    *, community: Community, year: int, now: dt.datetime | None = None, actor: "Actor | None" = None
) -> ExpiryResult:
    """Expire the points due at the end of `year`, one transaction per resident into the community's pool.
    Safe to run again: each resident's expiry has the key `expire:<year>:<account>`."""
    now = now or timezone.now()
    policy = selectors.ledger_settings(community)
    if not policy.expiry_enabled:
        return ExpiryResult(0, 0)
    if now < selectors.year_start(year + 1):
        raise DomainError(_("Points due to expire at the end of %(year)s cannot expire before then.") % {"year": year})
    pool = pool_account(community, Unit.POINTS)
    count = total = 0
    for account, _due in _expiring_by_account(community, policy, year):
        key = f"expire:{year}:{account.pk}"
        fingerprint = _fingerprint(op="expire", account=account.pk, year=year)

        def operation(account: Account = account, key: str = key, fingerprint: str = fingerprint) -> int:
            locked = lock_accounts([account, pool])
            held = locked[account.pk]
            amount = max(
                0, held.balance - selectors.recent_credits(held, selectors.year_start(year - policy.expiry_years + 1))
            )
            legs = [(held, -amount), (pool, amount)] if amount else []
            _post(
                community=community,
                kind=TransactionKind.EXPIRE,
                key=key,
                fingerprint=fingerprint,
                legs=legs,
                actor=actor,
                memo=f"≤{year - policy.expiry_years}",  # the years whose points expired; the statement says why
                now=now,
                locked=locked,
                audit=("points.expire", {"year": year}) if amount else None,
            )
            return amount

        amount = _once(community, key, fingerprint, operation, lambda txn: 0)
        if amount:
            count += 1
            total += amount
    return ExpiryResult(count, total)


def points_expiry_notify(*, community: Community, now: dt.datetime | None = None) -> int:
    """Tell each resident, once, how many points expire at the end of this year, `expiry_notice_days` ahead."""
    now = now or timezone.now()
    policy = selectors.ledger_settings(community)
    year = timezone.localtime(now).year
    if not policy.expiry_enabled or selectors.year_start(year + 1) - now > dt.timedelta(days=policy.expiry_notice_days):
        return 0
    sent = 0
    for account, points in _expiring_by_account(community, policy, year):
        user = account.resident.user if account.resident else None
        if user is None or points <= 0:
            continue
        with transaction.atomic():
            _notice, created = ExpiryNotice.objects.get_or_create(
                account=account, year=year, defaults={"points": points}
            )
            if not created:
                continue
            with translation.override(user.language or "zh-hans"):
                notify(
                    user=user,
                    community=community,
                    title=_("%(points)s of your points expire on 31 December") % {"points": points},
                    body=_("Spend them at the 街坊汇 shop before the end of %(year)s.") % {"year": year},
                    url="/ledger/",
                    sms=True,
                )
        sent += 1
    return sent
