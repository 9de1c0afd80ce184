"""Money out: a grant paid in tranches, and the grantee's reports of what was spent."""

import datetime as dt

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.types import Actor, account_of
from linli.audit.services import audit_record, snapshot
from linli.core.errors import Conflict, DomainError, NotAllowed
from linli.core.validators import text_clean
from linli.facilities.money import fen_to_yuan
from linli.ledger import services as ledger
from linli.ledger.models import Account, TransactionKind

from .. import rules
from ..models import Application, ProjectReport, Tranche
from .common import _fen, fund_account, grant_account


def tranche_pay(
    *, actor: Actor, application: Application, amount_fen: int, idempotency_key: str, now: dt.datetime | None = None
) -> Tranche:
    """Pay part of an approved grant: fund account → the grant's account, as one ledger transaction.

    The application row is locked first, so two payments of one grant queue; the total paid can never exceed
    the approved amount. The fund's account is held at or above zero by the ledger's floor (and checked here
    under the same lock, to refuse with a clear message)."""
    community = application.community
    if not rules.can_manage_fund(actor, community):
        raise NotAllowed(_("You may not pay out grants."))
    amount_fen = _fen(amount_fen, "amount_fen")
    key = f"tranche:{text_clean(idempotency_key, 'idempotency_key', 100)}"
    now = now or timezone.now()
    fund = fund_account(community)
    grantee = grant_account(application)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        done = Tranche.objects.filter(transaction__idempotency_key=key, transaction__community=community).first()
        if done is not None:
            if done.application_id != locked.pk or done.amount_fen != amount_fen:
                raise Conflict(
                    _("This idempotency key was already used for a different operation."), code="idempotency_key_reused"
                )
            return done
        if not locked.can_disburse():
            raise DomainError(_("Only an approved grant can be paid."), code="not_approved")
        paid = Tranche.objects.filter(application=locked).aggregate(s=Sum("amount_fen"))["s"] or 0
        if paid + amount_fen > locked.approved_fen:
            raise DomainError(
                _("This would pay ¥%(total)s of a grant of ¥%(approved)s; ¥%(left)s is left to pay.")
                % {
                    "total": fen_to_yuan(paid + amount_fen),
                    "approved": fen_to_yuan(locked.approved_fen),
                    "left": fen_to_yuan(locked.approved_fen - paid),
                },
                field="amount_fen",
                code="over_approved",
            )
        held = Account.objects.select_for_update().get(pk=fund.pk)
        if held.balance < amount_fen:
            raise ledger.InsufficientBalance(
                _("The fund holds ¥%(held)s and cannot pay ¥%(n)s.")
                % {"held": fen_to_yuan(held.balance), "n": fen_to_yuan(amount_fen)},
                field="amount_fen",
            )
        txn = ledger.money_transfer(
            community=community,
            from_account=fund,
            to_account=grantee,
            amount_fen=amount_fen,
            idempotency_key=key,
            memo=f"{locked.title} · {locked.applicant.name}",
            actor=actor,
            kind=TransactionKind.GRANT,
            now=now,
        )
        tranche = Tranche.objects.create(
            application=locked,
            number=Tranche.objects.filter(application=locked).count() + 1,
            amount_fen=amount_fen,
            transaction=txn,
            paid_at=now,
            paid_by=account_of(actor),
        )
        audit_record(actor=actor, action="fund.tranche", instance=tranche, community=community, after=snapshot(tranche))
    return tranche


def report_submit(
    *,
    actor: Actor,
    application: Application,
    period: str,
    body: str,
    spent_fen: int = 0,
    now: dt.datetime | None = None,
) -> ProjectReport:
    """The grantee reports what was done and spent; spending leaves the grant's account (which cannot go below
    zero, so no more can be reported spent than was paid)."""
    if not rules.can_apply_for(actor, application.applicant):
        raise NotAllowed(_("Only the grantee reports on the project."))
    if application.status not in (Application.Status.APPROVED, Application.Status.COMPLETED):
        raise DomainError(_("Only a funded project reports."), code="not_approved")
    period = text_clean(period, "period", 40)
    body = text_clean(body, "body", 4000)
    if spent_fen:
        spent_fen = _fen(spent_fen, "spent_fen")
    now = now or timezone.now()
    community = application.community
    with transaction.atomic():
        # decided again on the locked row: the grant may have been closed since it was read
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status not in (Application.Status.APPROVED, Application.Status.COMPLETED):
            raise Conflict(_("This project is no longer funded; it cannot report now."), code="not_approved")
        report = ProjectReport.objects.create(
            application=application,
            period=period,
            body=body,
            spent_fen=spent_fen,
            submitted_by=account_of(actor),
            submitted_at=now,
        )
        if spent_fen:
            report.transaction = ledger.money_transfer(
                community=community,
                from_account=grant_account(application),
                to_account=ledger.external_account(community),
                amount_fen=spent_fen,
                idempotency_key=f"grant-spent:{report.pk}",
                memo=f"{application.title} · {period}",
                actor=actor,
                kind=TransactionKind.TRANSFER,
                now=now,
            )
            report.save(update_fields=["transaction"])
        audit_record(actor=actor, action="fund.report", instance=report, community=community, after=snapshot(report))
    return report
