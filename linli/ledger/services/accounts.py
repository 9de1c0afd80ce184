"""The well-known accounts, the points policy and the earning rules, opened on first use by the writes that need
them. Selectors only find what is there; a page or a GET never opens an account."""

from django.utils.translation import gettext as _

from linli.core.errors import DomainError
from linli.people.models import Resident
from linli.places.models import Community

from .. import selectors
from ..codes import (
    CLEARING_PREFIX,
    FUNDING_CODES,
    FUNDING_FLOORS,
    PAYMENT_PREPAID,
    PAYMENT_SUSPENSE,
)
from ..models import Account, AccountKind, EarningRule, LedgerSettings, Merchant, Unit


def _community_account(community: Community, kind: str, code: str, unit: str, floor: int | None) -> Account:
    account, _created = Account.objects.get_or_create(
        community=community, kind=kind, code=code, unit=selectors.unit_known(unit), defaults={"floor": floor}
    )
    return account


def funding_account(community: Community, code: str, unit: str = Unit.FEN) -> Account:
    """A funding source (强社基金, 经济合作社, 政府补贴, 强社公司), opened with its floor from `FUNDING_FLOORS`:
    the community fund's money never goes below zero; the other sources have no floor, and a negative balance
    is what the source has paid out (or points it has issued) beyond what it has put in."""
    if code not in FUNDING_CODES:
        raise DomainError(
            _("Unknown funding source “%(code)s”.") % {"code": code}, code="unknown_funding_source", field="code"
        )
    return _community_account(community, AccountKind.FUNDING, code, unit, FUNDING_FLOORS.get((code, unit)))


def funding_accounts_open(community: Community) -> list[Account]:
    """Every funding source's yuan account, so that the books list them (with the ids deposits go to) before
    their first movement. Called when a community is created."""
    return [funding_account(community, code, Unit.FEN) for code in sorted(FUNDING_CODES)]


def pool_account(community: Community, unit: str = Unit.POINTS) -> Account:
    """The community's points pool: takes back expired and settled points, and clears redemptions across
    communities (its balance against another pool records what one community owes the other)."""
    return _community_account(community, AccountKind.POOL, "", unit, None)


def escrow_account(community: Community, unit: str) -> Account:
    """Value paid for orders not yet redeemed: held here until the merchant redeems or the order is refunded."""
    return _community_account(community, AccountKind.ESCROW, "", unit, 0)


def external_account(community: Community, unit: str = Unit.FEN) -> Account:
    """The world outside the platform: money paid in (deposits) and paid out."""
    return _community_account(community, AccountKind.EXTERNAL, "", unit, None)


def clearing_account(community: Community, provider: str) -> Account:
    """A payment provider's clearing account (counter, an online gateway): money a resident pays comes from here
    into the resident's yuan account, and a refund goes back to it. No floor: its balance is, negated, what the
    provider has collected for the community."""
    return _community_account(community, AccountKind.EXTERNAL, f"{CLEARING_PREFIX}{provider}"[:40], Unit.FEN, None)


def payment_suspense_account(community: Community) -> Account:
    """Where the differences found in a provider's daily statement wait until they are explained."""
    return _community_account(community, AccountKind.EXTERNAL, PAYMENT_SUSPENSE, Unit.FEN, None)


def payment_prepaid_account(community: Community) -> Account:
    """Fees paid in advance for services not given yet (bookings, classes, meals), in fen; never below zero."""
    return _community_account(community, AccountKind.ESCROW, PAYMENT_PREPAID, Unit.FEN, 0)


def resident_account(resident: Resident, unit: str = Unit.POINTS) -> Account:
    account, _created = Account.objects.get_or_create(
        resident=resident,
        unit=selectors.unit_known(unit),
        defaults={"community_id": resident.community_id, "kind": AccountKind.RESIDENT, "floor": 0},
    )
    return account


def merchant_account(merchant: Merchant, unit: str = Unit.POINTS) -> Account:
    account, _created = Account.objects.get_or_create(
        merchant=merchant,
        unit=selectors.unit_known(unit),
        defaults={"community_id": merchant.community_id, "kind": AccountKind.MERCHANT, "floor": 0},
    )
    return account


def ledger_settings_open(community: Community) -> LedgerSettings:
    """The community's points policy row, stored with the defaults the first time it is changed."""
    settings, _created = LedgerSettings.objects.get_or_create(community=community)
    return settings


def earning_rules_seed(community: Community) -> None:
    """Store the default earning rules the first time the community's rules are used or changed."""
    if not EarningRule.objects.filter(community=community).exists():
        EarningRule.objects.bulk_create(selectors.default_rules(community), ignore_conflicts=True)
