"""Stored value (储值): a community may let its residents keep a yuan balance, topped up through a payment provider
(online or at the counter) up to a limit its staff set. The balance is the resident's yuan account in the ledger:
a 街坊汇 order placed from it moves the yuan to escrow as any order does, a refund of that order brings it back to
the balance, and withdrawing sends it back through the provider of the top-ups it came from.

- top-up: a `Payment` for the purpose `topup`, booked as any payment (clearing → the resident's yuan account) and
  then left there; one that would take the balance over the limit is refused before any money moves, and one
  that arrives over it anyway (two top-ups paid at once online) is refunded at once;
- withdrawal: refunds of the resident's top-ups, newest first, for the amount asked (resident → clearing)."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.types import Actor, account_of
from linli.audit.services import save_audited, snapshot
from linli.core.errors import Conflict, DomainError, NotAllowed
from linli.ledger import services as ledger
from linli.ledger.models import Unit
from linli.ledger.money import yuan
from linli.people.models import Resident
from linli.places.models import Community

from . import rules, selectors
from .models import MAX_STORED_VALUE_LIMIT_FEN, Method, Payment, Purpose, Refund, StoredValuePolicy
from .providers import COUNTER
from .services import PAID_STATES, _refund, counter_checks, counter_record, lock_receipts, online_open, payer_checks


def stored_value_policy_set(
    *, actor: Actor, community: Community, enabled: bool, limit_fen: int, now: dt.datetime | None = None
) -> StoredValuePolicy:
    """Allow or stop top-ups in a community and set the most one resident may hold. Balances already held stay
    (they can be spent and withdrawn); a lower limit only refuses further top-ups."""
    if not rules.can_set_stored_value(actor, community):
        raise NotAllowed(_("You may not change this community's stored value."))
    if isinstance(limit_fen, bool) or not isinstance(limit_fen, int) or limit_fen < 0:
        raise DomainError(_("Enter an amount in yuan of at least 0."), field="limit", code="invalid_amount")
    if limit_fen > MAX_STORED_VALUE_LIMIT_FEN:
        raise DomainError(
            _("A resident may hold at most %(most)s.") % {"most": yuan(MAX_STORED_VALUE_LIMIT_FEN)},
            field="limit",
            code="limit_too_high",
        )
    if enabled and limit_fen == 0:
        raise DomainError(
            _("Set how much one resident may hold before allowing top-ups."), field="limit", code="no_limit"
        )
    with transaction.atomic():
        policy, _created = StoredValuePolicy.objects.select_for_update().get_or_create(community=community)
        before = snapshot(policy)
        policy.enabled = bool(enabled)
        policy.limit_fen = limit_fen
        policy.updated_by = account_of(actor)
        policy.updated_at = now or timezone.now()
        save_audited(actor=actor, action="stored_value.policy", instance=policy, before=before, community=community)
    return policy


def _topup_checks(resident: Resident, amount_fen: int, balance: int) -> StoredValuePolicy:
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen <= 0:
        raise DomainError(_("Enter an amount in yuan greater than 0."), field="amount", code="invalid_amount")
    policy = selectors.stored_value_policy(resident.community)
    if not policy.enabled:
        raise DomainError(
            _("%(community)s does not offer a stored balance.") % {"community": resident.community.name},
            code="stored_value_off",
        )
    if balance + amount_fen > policy.limit_fen:
        raise DomainError(
            _("Your balance may be at most %(limit)s: you have %(balance)s, so you can top up at most %(room)s.")
            % {
                "limit": yuan(policy.limit_fen),
                "balance": yuan(balance),
                "room": yuan(max(0, policy.limit_fen - balance)),
            },
            field="amount",
            code="over_limit",
        )
    return policy


def _topup_payment(resident: Resident, amount_fen: int, **how: Any) -> Payment:
    """The (unsaved) payment of a top-up of the resident's stored balance."""
    return Payment(
        community=resident.community,
        payer=resident,
        purpose=Purpose.TOPUP,
        description=resident.community.name[:120],  # neutral: readers see the purpose in their own language
        amount_fen=amount_fen,
        **how,
    )


def topup_start(*, actor: Actor, resident: Resident, amount_fen: int, now: dt.datetime | None = None) -> Payment:
    """Open an online top-up with the provider; the balance grows when the provider's notification arrives (and
    the top-up is refunded then if the balance would go over the limit meanwhile)."""
    payer_checks(actor=actor, payer=resident)
    _topup_checks(resident, amount_fen, selectors.stored_balance(resident))
    return online_open(_topup_payment(resident, amount_fen), actor=actor, now=now or timezone.now(), trade_prefix="SV")


def topup_at_counter(
    *, actor: Actor, resident: Resident, amount_fen: int, method: str = Method.CASH, now: dt.datetime | None = None
) -> Payment:
    """The front desk takes a top-up (cash, card, scanned code) with a receipt; the balance grows at once. Over
    the limit it is refused and nothing is recorded."""
    community = resident.community
    counter_checks(actor=actor, community=community, payer=resident, method=method)
    now = now or timezone.now()
    with transaction.atomic():
        lock_receipts(community)
        account = ledger.resident_account(resident, Unit.FEN)
        locked = ledger.lock_accounts([account, ledger.clearing_account(community, COUNTER)])
        _topup_checks(resident, amount_fen, locked[account.pk].balance)
        return counter_record(
            _topup_payment(resident, amount_fen, method=method), actor=actor, now=now, trade_prefix="SC"
        )


def balance_withdraw(
    *,
    actor: Actor,
    resident: Resident,
    amount_fen: int | None = None,
    at_counter: bool = False,
    now: dt.datetime | None = None,
) -> list[Refund]:
    """Take money off the balance: the top-ups are refunded through their providers, newest first, until the
    amount (all that can be, when none is given) is back. Refused, with nothing changed, beyond the balance.

    Top-ups paid in at the counter are handed back at the counter (`at_counter`, by the front desk, in cash or to
    the card): from the resident's own phone only online top-ups go back."""
    if at_counter:
        if not rules.can_take_at_counter(actor, resident.community):
            raise NotAllowed(_("Only the service desk may take payments at the counter."))
    elif not rules.can_pay_for(actor, resident):
        raise NotAllowed(_("You may not pay for this resident."))
    if amount_fen is not None and (isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen <= 0):
        raise DomainError(_("Enter an amount in yuan greater than 0."), field="amount", code="invalid_amount")
    now = now or timezone.now()
    with transaction.atomic():
        # the top-ups first, then the accounts: the order a payment notification locks them in
        topups = list(
            Payment.objects.select_for_update()
            .filter(payer=resident, purpose=Purpose.TOPUP, status__in=PAID_STATES)
            .select_related("community", "payer")
            .order_by("-paid_at", "-pk")
        )
        account = ledger.resident_account(resident, Unit.FEN)
        clearings = [ledger.clearing_account(resident.community, p) for p in sorted({t.provider for t in topups})]
        balance = ledger.lock_accounts([account, *clearings])[account.pk].balance
        if balance <= 0:
            raise Conflict(_("Your balance is empty: there is nothing to withdraw."), code="empty_balance")
        here = [t for t in topups if at_counter or t.provider != COUNTER]
        most = min(balance, sum(t.amount_fen - t.refunded_fen for t in here))
        amount = most if amount_fen is None else amount_fen
        if amount <= 0 or amount > most:
            message = _("You can withdraw at most %(most)s.") % {"most": yuan(most)}
            if len(here) < len(topups):
                message += " " + _("What was paid in at the service counter is handed back there.")
            raise Conflict(message, code="over_balance")
        topups = here
        refunds = []
        left = amount
        for topup in topups:
            part = min(left, topup.amount_fen - topup.refunded_fen)
            if part <= 0:
                continue
            refunds.append(
                _refund(topup, amount=part, reason=_("Withdrawn from the stored balance"), actor=actor, now=now)
            )
            left -= part
            if left == 0:
                break
    return refunds
