"""Donations into the fund, each with its receipt."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.types import Actor, account_of
from linli.audit.services import audit_record, create_audited
from linli.core.errors import Conflict, DomainError, NotAllowed, NotFound
from linli.core.validators import text_clean
from linli.ledger import services as ledger
from linli.ledger.models import TransactionKind
from linli.partners.models import Contribution, Partner
from linli.places.models import Community

from .. import rules
from ..models import Donation
from .common import _fen, fund_account


def donation_record(
    *,
    actor: Actor,
    community: Community,
    donor_kind: str,
    donor_name: str,
    amount_fen: int,
    received_on: dt.date,
    idempotency_key: str,
    partner: Partner | None = None,
    anonymous: bool = False,
    purpose: str = "",
    now: dt.datetime | None = None,
) -> Donation:
    """Record money received: a deposit into the fund's ledger account, with a numbered receipt.
    A retry with the same key returns the first donation."""
    if not rules.can_manage_fund(actor, community):
        raise NotAllowed(_("You may not record donations for this community's fund."))
    if donor_kind not in Donation.DonorKind.values:
        raise DomainError(_("Choose who the donor is."), field="donor_kind")
    donor_name = text_clean(donor_name, "donor_name", 80)
    amount_fen = _fen(amount_fen, "amount_fen")
    purpose = text_clean(purpose, "purpose", 120, required=False)
    if partner is not None and partner.community_id != community.pk:
        raise NotFound(_("No such partner."), field="partner")
    now = now or timezone.now()
    if received_on > timezone.localdate(now):
        raise DomainError(_("A donation cannot be received in the future."), field="received_on")
    key = f"donation:{text_clean(idempotency_key, 'idempotency_key', 100)}"
    with transaction.atomic():
        txn = ledger.money_transfer(
            community=community,
            from_account=ledger.external_account(community),
            to_account=fund_account(community),
            amount_fen=amount_fen,
            idempotency_key=key,
            memo=f"{donor_name} {purpose}".strip(),
            actor=actor,
            kind=TransactionKind.DEPOSIT,
            now=now,
        )
        existing = Donation.objects.filter(transaction=txn).first()
        if existing is not None:
            return existing
        donation = create_audited(
            actor=actor,
            action="fund.donation",
            model=Donation,
            community=community,
            donor_kind=donor_kind,
            donor_name=donor_name,
            partner=partner,
            anonymous=anonymous,
            amount_fen=amount_fen,
            receipt_no=f"JJ{received_on.year}-{txn.pk:07d}",
            received_on=received_on,
            purpose=purpose,
            transaction=txn,
            recorded_by=account_of(actor),
        )
    return donation


DONOR_KIND_OF_ENTITY: dict[str, str] = {
    Partner.Entity.ENTERPRISE: Donation.DonorKind.ENTERPRISE,
    Partner.Entity.INDIVIDUAL: Donation.DonorKind.RESIDENT,
}


def contribution_receive(
    *, actor: Actor, contribution: Contribution, received_on: dt.date | None = None, now: dt.datetime | None = None
) -> Donation:
    """A partner's money contribution to a project, delivered, is received into the fund: a deposit into the
    fund's ledger account with its receipt (as a donation by the partner, linked to the contribution). Once."""
    community = contribution.project.community
    if not rules.can_manage_fund(actor, community):
        raise NotAllowed(_("You may not record donations for this community's fund."))
    if contribution.kind != Contribution.Kind.MONEY or contribution.partner is None:
        raise DomainError(_("Only a partner's contribution of money is paid into the fund."), code="not_money")
    if contribution.status != Contribution.Status.DELIVERED:
        raise DomainError(_("Mark the contribution delivered before receiving the money."), code="not_delivered")
    if not contribution.value_fen:
        raise DomainError(_("The contribution has no amount."), code="no_amount")
    partner = contribution.partner
    with transaction.atomic():
        locked = Contribution.objects.select_for_update().get(pk=contribution.pk)
        if Donation.objects.filter(contribution=locked).exists():
            raise Conflict(_("This contribution has already been received into the fund."), code="already_received")
        donation = donation_record(
            actor=actor,
            community=community,
            donor_kind=DONOR_KIND_OF_ENTITY.get(partner.entity, str(Donation.DonorKind.OTHER)),
            donor_name=partner.name,
            amount_fen=locked.value_fen,
            received_on=received_on or locked.delivered_on or timezone.localdate(now),
            idempotency_key=f"contribution:{locked.pk}",
            partner=partner,
            purpose=contribution.project.title[:120],
            now=now,
        )
        donation.contribution = locked
        donation.save(update_fields=["contribution"])
        audit_record(
            actor=actor,
            action="fund.contribution_receive",
            instance=donation,
            after={"contribution": locked.pk, "amount_fen": locked.value_fen},
        )
    return donation
