"""The payments API: a resident prepays an order's yuan part and follows it; the provider's notify URL; the
counter takes payments and shows the cash-up; the books keeper imports the daily statement."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from linli.accounts.api_auth import AUTH
from linli.accounts.types import Actor
from linli.core.errors import NotFound
from linli.core.uploads import upload_read
from linli.ledger import selectors as ledger_selectors
from linli.people.models import Resident
from linli.people.selectors import resident_of_user
from linli.places.selectors import community_get

from . import selectors, services, stored_value
from .descriptions import describe
from .forms import STATEMENT_MAX_BYTES
from .models import Payment, Reconciliation
from .providers import BadNotification
from .purposes import handler_for
from .schemas import (
    BalanceOut,
    BalanceWithdrawIn,
    CashupOut,
    CounterPaymentIn,
    CounterTopupIn,
    CounterWithdrawIn,
    PaymentNotifyOut,
    PaymentOut,
    PaymentStartIn,
    ReconciliationOut,
    StoredValuePolicyIn,
    StoredValuePolicyOut,
    SubjectCounterIn,
    SubjectPayIn,
    TopupIn,
    WithdrawOut,
)
from .selectors import Cashup

router = Router(tags=["payments"], auth=AUTH)


def payment_out(p: Payment) -> dict[str, Any]:
    describe([p])  # `description` in the reader's language
    return {
        "out_trade_no": p.out_trade_no,
        "status": p.status,
        "status_label": p.get_status_display(),
        "purpose": p.purpose,
        "description": p.described,
        "amount_fen": p.amount_fen,
        "refunded_fen": p.refunded_fen,
        "provider": p.provider,
        "method": p.method,
        "code_url": p.code_url,
        "pay_page": reverse("payments:pay", args=[p.out_trade_no]),
        "receipt_no": p.receipt_no,
        "payer_id": p.payer_id,
        "order_id": p.order_id,
        "subject_id": p.subject_id,
        "created_at": p.created_at,
        "paid_at": p.paid_at,
        "refunds": [
            {k: getattr(r, k) for k in ("out_refund_no", "amount_fen", "status", "reason", "created_at")}
            for r in p.refunds.all()
        ],
    }


def recon_out(r: Reconciliation) -> dict[str, Any]:
    return {
        "id": r.pk,
        **{k: getattr(r, k) for k in ("provider", "day", "lines", "matched")},
        "differences": [
            {
                "kind": d.kind,
                "kind_label": d.get_kind_display(),
                **{k: getattr(d, k) for k in ("trade_no", "ours_fen", "theirs_fen", "transaction_id")},
            }
            for d in r.differences.all()
        ],
    }


def cashup_out(c: Cashup, operator_id: int) -> dict[str, Any]:
    return {
        "day": c.day,
        "operator_id": operator_id,
        "taken_fen": c.taken,
        "total_taken_fen": c.total_taken,
        "returned_fen": c.returned,
        "cash_to_hand_over_fen": c.cash_in_drawer,
        "payments": [
            {
                "receipt_no": p.receipt_no,
                "out_trade_no": p.out_trade_no,
                "payer": p.payer.name,
                "description": p.described,
                "method": p.method,
                "amount_fen": p.amount_fen,
                "at": p.paid_at,
            }
            for p in c.payments
        ],
    }


@router.post("/payments", response={201: PaymentOut}, summary="Pay an order's yuan part online (prepay)")
def payment_start(request: HttpRequest, payload: PaymentStartIn) -> Status[Any]:
    """Opens the payment with the online provider for the product's price times the quantity (the server's own
    amount); show `code_url` as a QR code. The order is placed when the provider's notification arrives."""
    resident = resident_of_user(user=request.user)
    if resident is None:
        raise NotFound(_("Your account is not linked to a resident of a community yet."), code="no_resident")
    product = ledger_selectors.product_for_resident(resident=resident, pk=payload.product_id)
    payment = services.payment_start(actor=request.user, resident=resident, product=product, quantity=payload.quantity)
    return Status(201, payment_out(payment))


@router.post("/payments/for", response={201: PaymentOut}, summary="Pay a booking's fee online (prepay)")
def subject_payment_start(request: HttpRequest, payload: SubjectPayIn) -> Status[Any]:
    """Opens the payment for the fee the record says (a booking awaiting payment); show `code_url` as a QR code.
    The booking is confirmed when the provider's notification arrives. A payment already awaited is returned."""
    payment = services.subject_payment_start(actor=request.user, purpose=payload.purpose, subject_id=payload.subject_id)
    return Status(201, payment_out(payment))


@router.get("/payments/{out_trade_no}", response=PaymentOut, summary="A payment and where it stands")
def payment_get(request: HttpRequest, out_trade_no: str) -> dict[str, Any]:
    return payment_out(selectors.payment_get(user=request.user, out_trade_no=out_trade_no))


@router.post("/payments/{out_trade_no}/check", response=PaymentOut, summary="Ask the provider (a late notification)")
def payment_check(request: HttpRequest, out_trade_no: str) -> dict[str, Any]:
    payment = selectors.payment_get(user=request.user, out_trade_no=out_trade_no)
    return payment_out(services.payment_check(actor=request.user, payment=payment))


@router.post("/payments/{out_trade_no}/cancel", response=PaymentOut, summary="Give up a payment not made yet")
def payment_cancel(request: HttpRequest, out_trade_no: str) -> dict[str, Any]:
    """409 if the payment went through meanwhile: then cancel the order (`POST /ledger/orders/{id}/refund`)
    and the money goes back through the provider."""
    payment = selectors.payment_get(user=request.user, out_trade_no=out_trade_no)
    return payment_out(services.payment_cancel(actor=request.user, payment=payment))


@router.post(
    "/payments/notify/{provider}",
    auth=None,
    response={200: PaymentNotifyOut, 400: PaymentNotifyOut},
    summary="The provider's notify URL",
)
def payment_notify(request: HttpRequest, provider: str) -> Status[Any]:
    """The provider posts its signed notifications here. 200 once verified and booked (a duplicate too); 400,
    logged, when the signature does not verify or the notification does not match our record."""
    try:
        services.notification_receive(provider=provider, body=request.body, headers=dict(request.headers))
    except BadNotification:
        return Status(400, {"code": "FAIL", "message": "refused"})
    return Status(200, {"code": "SUCCESS"})


@router.post(
    "/communities/{code}/payments/counter", response={201: PaymentOut}, summary="Take a payment at the counter"
)
def counter_take(request: HttpRequest, code: str, payload: CounterPaymentIn) -> Status[Any]:
    community = community_get(code=code, user=request.user)
    resident = selectors.resident_at_counter(user=request.user, community=community, who=payload.resident)
    product = selectors.counter_product_get(user=request.user, community=community, pk=payload.product_id)
    payment = services.counter_take(
        actor=request.user, resident=resident, product=product, quantity=payload.quantity, method=payload.method
    )
    return Status(201, payment_out(payment))


@router.post(
    "/communities/{code}/payments/counter/for",
    response={201: PaymentOut},
    summary="Take a booking's fee at the counter",
)
def subject_counter_take(request: HttpRequest, code: str, payload: SubjectCounterIn) -> Status[Any]:
    """The front desk records the fee paid in cash, by card or a scanned code; the booking is confirmed at once."""
    community = community_get(code=code, user=request.user)
    due = handler_for(payload.purpose).due(payload.subject_id, request.user, timezone.now())
    if due.community.pk != community.pk:
        raise NotFound(_("No such booking."))
    payment = services.subject_counter_take(
        actor=request.user, purpose=payload.purpose, subject_id=payload.subject_id, method=payload.method
    )
    return Status(201, payment_out(payment))


class CashupQuery(Schema):
    date: dt.date | None = None
    operator: int | None = None


@router.get("/communities/{code}/payments/cashup", response=CashupOut, summary="An operator's cash-up of a day")
def cashup(request: HttpRequest, code: str, query: Query[CashupQuery]) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    operator = selectors.operator_get(user=request.user, community=community, pk=query.operator)
    day = query.date or timezone.localdate()
    return cashup_out(selectors.cashup(user=request.user, community=community, operator=operator, day=day), operator.pk)


class StatementImportIn(Schema):
    provider: str
    day: dt.date


@router.post(
    "/communities/{code}/payments/reconciliations",
    response={201: ReconciliationOut},
    summary="Import a provider's daily statement and list the differences",
)
def reconcile(
    request: HttpRequest, code: str, payload: Query[StatementImportIn], file: File[UploadedFile]
) -> Status[Any]:
    community = community_get(code=code, user=request.user)
    content = upload_read(file, max_bytes=STATEMENT_MAX_BYTES, field="file")
    recon = services.reconciliation_import(
        actor=request.user, community=community, provider=payload.provider, day=payload.day, content=content
    )
    return Status(201, recon_out(recon))


@router.get("/communities/{code}/payments/reconciliations", response=list[ReconciliationOut], summary="Reconciled days")
def reconciliations(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    items = selectors.reconciliations(user=request.user, community=community)[:60]
    return [recon_out(r) for r in items]


@router.get(
    "/communities/{code}/payments/reconciliations/{recon_id}",
    response=ReconciliationOut,
    summary="One day's differences",
)
def reconciliation(request: HttpRequest, code: str, recon_id: int) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    return recon_out(selectors.reconciliation_get(user=request.user, community=community, pk=recon_id))


# --- stored value ---------------------------------------------------------------------------------------------


def _my_resident(request: HttpRequest) -> Any:
    resident = resident_of_user(user=request.user)
    if resident is None:
        raise NotFound(_("Your account is not linked to a resident of a community yet."), code="no_resident")
    return resident


def balance_out(user: Actor, resident: Any) -> dict[str, Any]:
    policy = selectors.stored_value_policy(resident.community)
    held = selectors.stored_balance(resident)
    return {
        "balance_fen": held,
        "enabled": policy.enabled,
        "limit_fen": policy.limit_fen,
        "room_fen": max(0, policy.limit_fen - held) if policy.enabled else 0,
        "history": [
            {
                "at": e.occurred_at,
                "amount_fen": e.amount,
                "balance_after_fen": e.balance_after,
                "reason": e.reason,
                "transaction_id": e.transaction_id,
            }
            for e in selectors.stored_value_history(user=user, resident=resident)
        ],
    }


@router.get("/stored-value", response=BalanceOut, summary="My stored balance (储值) and its history")
def balance(request: HttpRequest) -> dict[str, Any]:
    """What I hold, the community's limit, and each line with its reason in my language (newest first, 200)."""
    return balance_out(request.user, _my_resident(request))


@router.post("/stored-value/topups", response={201: PaymentOut}, summary="Top up my balance online (prepay)")
def balance_topup(request: HttpRequest, payload: TopupIn) -> Status[Any]:
    """Opens the top-up with the online provider; show `code_url` as a QR code. The balance grows when the
    provider's notification arrives. 400 `over_limit` (nothing saved) when it would exceed the limit."""
    payment = stored_value.topup_start(
        actor=request.user, resident=_my_resident(request), amount_fen=payload.amount_fen
    )
    return Status(201, payment_out(payment))


def withdraw_out(resident: Any, refunds: list[Any]) -> dict[str, Any]:
    return {
        "amount_fen": sum(r.amount_fen for r in refunds),
        "balance_fen": selectors.stored_balance(resident),
        "refunds": [
            {
                "out_refund_no": r.out_refund_no,
                "out_trade_no": r.payment.out_trade_no,
                "provider": r.payment.provider,
                **{k: getattr(r, k) for k in ("amount_fen", "status", "reason", "created_at")},
            }
            for r in refunds
        ],
    }


@router.post("/stored-value/withdrawals", response={201: WithdrawOut}, summary="Withdraw from my balance")
def balance_withdraw(request: HttpRequest, payload: BalanceWithdrawIn) -> Status[Any]:
    """Sends the amount (all of it when none is given) back through the gateway the top-ups came from; what was
    paid in at the service counter is handed back there (409 `over_balance` says how much can go back here)."""
    resident = _my_resident(request)
    refunds = stored_value.balance_withdraw(actor=request.user, resident=resident, amount_fen=payload.amount_fen)
    return Status(201, withdraw_out(resident, refunds))


@router.post(
    "/communities/{code}/payments/counter/withdrawals",
    response={201: WithdrawOut},
    summary="Hand a resident's balance back at the counter",
)
def counter_withdraw(request: HttpRequest, code: str, payload: CounterWithdrawIn) -> Status[Any]:
    """The front desk hands back what was paid in at the counter (refunds with provider `counter`) and sends the
    rest back through the gateway."""
    resident = _at_counter(request, code, payload.resident)
    refunds = stored_value.balance_withdraw(
        actor=request.user, resident=resident, amount_fen=payload.amount_fen, at_counter=True
    )
    return Status(201, withdraw_out(resident, refunds))


@router.post(
    "/communities/{code}/payments/counter/topups",
    response={201: PaymentOut},
    summary="Top up a resident's balance at the counter",
)
def counter_topup(request: HttpRequest, code: str, payload: CounterTopupIn) -> Status[Any]:
    payment = stored_value.topup_at_counter(
        actor=request.user,
        resident=_at_counter(request, code, payload.resident),
        amount_fen=payload.amount_fen,
        method=payload.method,
    )
    return Status(201, payment_out(payment))


def _at_counter(request: HttpRequest, code: str, who: str) -> Resident:
    """The resident the front desk names (mobile number, or full name when unique) in the counter's community."""
    community = community_get(code=code, user=request.user)
    return selectors.resident_at_counter(user=request.user, community=community, who=who)


def policy_out(user: Actor, community: Any) -> dict[str, Any]:
    policy = selectors.stored_value_policy_get(user=user, community=community)
    totals = selectors.stored_value_totals(user=user, community=community)
    return {
        "enabled": policy.enabled,
        "limit_fen": policy.limit_fen,
        "holders": totals.holders,
        "held_fen": totals.total_fen,
        "updated_at": policy.updated_at,
    }


@router.get(
    "/communities/{code}/payments/stored-value", response=StoredValuePolicyOut, summary="The stored value policy"
)
def stored_value_policy(request: HttpRequest, code: str) -> dict[str, Any]:
    return policy_out(request.user, community_get(code=code, user=request.user))


@router.put(
    "/communities/{code}/payments/stored-value",
    response=StoredValuePolicyOut,
    summary="Allow stored value and set the limit per resident",
)
def stored_value_policy_set(request: HttpRequest, code: str, payload: StoredValuePolicyIn) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    stored_value.stored_value_policy_set(
        actor=request.user, community=community, enabled=payload.enabled, limit_fen=payload.limit_fen
    )
    return policy_out(request.user, community)
