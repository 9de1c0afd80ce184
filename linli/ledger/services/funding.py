"""The points policy, the earning rules and the funding of the community's accounts."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from linli.accounts.types import Actor
from linli.audit.services import audit_record, snapshot
from linli.core.errors import DomainError, NotAllowed
from linli.places.models import Community

from .. import rules
from ..models import (
    MAX_POLICY_NUMBER,
    LedgerSettings,
    Transaction,
    TransactionKind,
    Unit,
)
from .accounts import external_account, funding_account, ledger_settings_open
from .posting import money_transfer, whole_amount

# --- settings and rules ---------------------------------------------------------------------------------------


def ledger_settings_update(*, actor: Actor, community: Community, **changes: Any) -> LedgerSettings:
    if not rules.can_manage_ledger(actor, community):
        raise NotAllowed(_("You may not change this community's points policy."))
    allowed = {"fen_per_point", "expiry_enabled", "expiry_years", "expiry_notice_days"}
    if set(changes) - allowed:
        raise DomainError(
            _("These fields cannot be changed: %(f)s.") % {"f": ", ".join(sorted(set(changes) - allowed))}
        )
    for name in ("fen_per_point", "expiry_years", "expiry_notice_days"):
        if name in changes:
            whole_amount(changes[name], field=name, maximum=MAX_POLICY_NUMBER)
    with transaction.atomic():
        ledger_settings_open(community)
        locked = LedgerSettings.objects.select_for_update().get(community=community)
        before = snapshot(locked)
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(changes))
        audit_record(
            actor=actor, action="ledger_settings.update", instance=locked, before=before, after=snapshot(locked)
        )
    return locked


def funding_deposit(
    *,
    actor: Actor,
    community: Community,
    code: str,
    amount_fen: int,
    idempotency_key: str,
    memo: str,
    now: dt.datetime | None = None,
) -> Transaction:
    """Money paid into a funding source from outside (a grant, the cooperative's dividend, the company's profit);
    `now` dates it when it is entered after the day it was paid."""
    if not rules.can_manage_ledger(actor, community):
        raise NotAllowed(_("You may not post money for this community."))
    return money_transfer(
        community=community,
        from_account=external_account(community, Unit.FEN),
        to_account=funding_account(community, code, Unit.FEN),
        amount_fen=amount_fen,
        idempotency_key=idempotency_key,
        memo=memo,
        actor=actor,
        kind=TransactionKind.DEPOSIT,
        now=now,
    )
