"""Payments: a resident (or the counter) pays in yuan, the provider's notification books it, refunds go back the
way the money came, and the provider's daily statement is reconciled.

The money moves only through the ledger's posting function, in fen:
- paid: the provider's clearing account → the payer's yuan account (a deposit); for a 街坊汇 order the order is
  then placed at once, which moves the yuan (and the points) from the payer's account to escrow;
- refunded: the payer's yuan account → the clearing account (after the order's own refund brought it back);
- a reconciliation difference: between the clearing account and the suspense account.

Notifications are untrusted: verified by the provider, then matched to our own record by `out_trade_no`, the amount
compared with ours, and booked once whatever their order and number (the payment's row is locked, the ledger
posting has the trade number as its idempotency key)."""

import datetime as dt
import logging
import secrets
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.types import Actor, account_of
from linli.audit.services import audit_record, snapshot
from linli.core.errors import Conflict, DomainError, NotAllowed, NotFound
from linli.ledger import selectors as ledger_selectors
from linli.ledger import services as ledger
from linli.ledger.models import MAX_ORDER_QUANTITY, Order, Product, TransactionKind, Unit
from linli.ledger.money import yuan
from linli.notifications.services import in_language_of, notify
from linli.people.models import Resident
from linli.people.rules import ensure_current
from linli.places.models import Community

from . import rules, selectors
from .descriptions import described_now
from .models import Difference, Method, Payment, Purpose, Reconciliation, Refund
from .providers import COUNTER, AlreadyPaid, BadNotification, Notice, ProviderError, get_provider, online_provider
from .providers.statement import day_bounds
from .purposes import HANDLERS, Due, handler_for

logger = logging.getLogger(__name__)

PAID_STATES = (Payment.Status.PAID, Payment.Status.PARTIALLY_REFUNDED, Payment.Status.REFUNDED)


def checkout_url(product: Product) -> str:
    """Where the order page sends a resident to pay the yuan part of a product (the ledger's hook)."""
    return reverse("payments:checkout", args=[product.pk])


def _trade_no(prefix: str, now: dt.datetime) -> str:
    return f"{prefix}{timezone.localtime(now):%Y%m%d%H%M%S}{secrets.token_hex(5).upper()}"


def _notify_url(provider: str) -> str:
    return reverse("payments:notify", args=[provider])


def payer_checks(*, actor: Actor, payer: Resident) -> None:
    """What a payment a resident makes online needs: the right to pay for the payer, who still lives here."""
    if not rules.can_pay_for(actor, payer):
        raise NotAllowed(_("You may not pay for this resident."))
    ensure_current(payer)


def online_open(payment: Payment, *, actor: Actor, now: dt.datetime, trade_prefix: str) -> Payment:
    """Record a payment (unsaved, saying who pays for what) to be made online and ask the provider for its prepay
    order (its QR code or redirect), in one transaction: a provider that does not answer leaves nothing behind. A
    duplicate raises `IntegrityError`, with a caller's own transaction still usable."""
    provider = online_provider()
    payment.provider = provider.name
    payment.method = Method.ONLINE
    payment.out_trade_no = _trade_no(trade_prefix, now)
    payment.created_by = account_of(actor)
    payment.created_at = now
    with transaction.atomic():
        payment.save(force_insert=True)
        _prepay(payment, provider, actor=actor, now=now)
    return payment


def _prepay(payment: Payment, provider: Any, *, actor: Actor, now: dt.datetime) -> None:
    try:
        prepay = provider.prepay(
            mch_id=payment.community.code,
            out_trade_no=payment.out_trade_no,
            amount_fen=payment.amount_fen,
            description=payment.description,
            notify_url=_notify_url(provider.name),
            now=now,
        )
    except ProviderError as exc:
        raise DomainError(
            _("The payment service is not available now; nothing was charged. Try again later."),
            code="provider_unavailable",
        ) from exc
    payment.code_url = prepay.redirect_url or prepay.code_url
    payment.provider_trade_no = prepay.provider_trade_no
    payment.save(update_fields=["code_url", "provider_trade_no"])
    audit_record(actor=actor, action="payment.start", instance=payment, after=snapshot(payment))


def _order_checks(resident: Resident, product: Product, quantity: int) -> None:
    """What can be told before any money moves: on sale, in stock, enough points. Decided again when the order is
    placed; if it fails then, the payment is refunded at once."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= MAX_ORDER_QUANTITY:
        raise DomainError(_("Enter a whole number from 1 to %(n)s.") % {"n": MAX_ORDER_QUANTITY}, field="quantity")
    if not product.active or not product.merchant.is_open:
        raise DomainError(_("This product is not on sale."), code="not_on_sale")
    if not product.price_fen:
        raise DomainError(_("This product is paid in points only: order it directly."), code="no_yuan_price")
    if product.stock < quantity:
        raise Conflict(_("Sorry, only %(n)s left in stock.") % {"n": product.stock}, code="out_of_stock")
    points = ledger_selectors.resident_balances(resident)[Unit.POINTS]
    if points < product.price_points * quantity:
        raise DomainError(
            _("You have %(have)s points: %(need)s are needed.")
            % {"have": points, "need": product.price_points * quantity},
            code="not_enough_points",
        )


def _order_payment(resident: Resident, product: Product, quantity: int, **how: Any) -> Payment:
    """The (unsaved) payment of a 街坊汇 order's yuan part: the product's price times the quantity."""
    return Payment(
        community=resident.community,
        payer=resident,
        purpose=Purpose.MARKETPLACE,
        product=product,
        quantity=quantity,
        description=f"{product.merchant.name} · {product.name} × {quantity}"[:120],
        amount_fen=product.price_fen * quantity,
        **how,
    )


def payment_start(
    *, actor: Actor, resident: Resident, product: Product, quantity: int = 1, now: dt.datetime | None = None
) -> Payment:
    """Prepay a 街坊汇 order's yuan part with the online provider: the amount is the product's price times the
    quantity, as the server reads them (never an amount sent by the browser). Returns the payment awaiting the
    payer, with the QR code's content."""
    payer_checks(actor=actor, payer=resident)
    _order_checks(resident, product, quantity)
    return online_open(
        _order_payment(resident, product, quantity), actor=actor, now=now or timezone.now(), trade_prefix="LL"
    )


def counter_take(
    *,
    actor: Actor,
    resident: Resident,
    product: Product,
    quantity: int = 1,
    method: str = Method.CASH,
    now: dt.datetime | None = None,
) -> Payment:
    """An operator takes the yuan part of a 街坊汇 order at the service counter: the payment is recorded with a
    receipt number, booked at once, and the order placed for the resident."""
    community = resident.community
    counter_checks(actor=actor, community=community, payer=resident, method=method)
    _order_checks(resident, product, quantity)
    now = now or timezone.now()
    with transaction.atomic():
        lock_receipts(community)
        return counter_record(
            _order_payment(resident, product, quantity, method=method), actor=actor, now=now, trade_prefix="CT"
        )


def counter_checks(*, actor: Actor, community: Community, payer: Resident, method: str) -> None:
    """What every payment taken at the service counter needs: the front desk's right, a method the counter takes
    and a payer who still lives here."""
    if not rules.can_take_at_counter(actor, community):
        raise NotAllowed(_("Only the service desk may take payments at the counter."))
    if method not in (Method.CASH, Method.CARD, Method.SCANNED):
        raise DomainError(_("Choose cash, bank card or a scanned payment code."), field="method")
    ensure_current(payer)


def lock_receipts(community: Community) -> None:
    """Hold the community's row until the transaction ends: receipts are numbered per community and day in the
    order they are written, and a day's statement is reconciled once."""
    Community.objects.select_for_update().filter(pk=community.pk).values_list("pk").first()


def counter_record(payment: Payment, *, actor: Actor, now: dt.datetime, trade_prefix: str) -> Payment:
    """Record a payment (unsaved, saying who pays for what and how) taken at the counter with the day's next
    receipt number (`lock_receipts` held by the caller) and book it at once: cash in hand is paid when written."""
    prefix = f"{timezone.localtime(now):%Y%m%d}-"
    n = Payment.objects.filter(community=payment.community, receipt_no__startswith=prefix).count() + 1
    payment.provider = COUNTER
    payment.out_trade_no = _trade_no(trade_prefix, now)
    payment.receipt_no = f"{prefix}{n:04d}"
    payment.created_by = account_of(actor)
    payment.created_at = now
    payment.save(force_insert=True)
    audit_record(actor=actor, action="payment.counter", instance=payment, after=snapshot(payment))
    _book(payment, actor=actor, now=now, provider_trade_no=payment.receipt_no)
    return payment


def _book(
    payment: Payment,
    *,
    actor: "Actor | None",
    now: dt.datetime,
    provider_trade_no: str,
    paid_at: dt.datetime | None = None,
) -> None:
    """The payment (locked by the caller) has arrived: credit the payer and place what it pays for."""
    was_closed = payment.status == Payment.Status.CLOSED
    community = payment.community
    txn = ledger.money_transfer(
        community=community,
        from_account=ledger.clearing_account(community, payment.provider),
        to_account=ledger.resident_account(payment.payer, Unit.FEN),
        amount_fen=payment.amount_fen,
        idempotency_key=f"payment:{payment.out_trade_no}",
        memo=payment.description,
        actor=actor,
        kind=TransactionKind.DEPOSIT,
        now=now,
    )
    before = snapshot(payment)
    payment.status = Payment.Status.PAID
    payment.paid_at = paid_at or now
    payment.transaction = txn
    payment.provider_trade_no = provider_trade_no or payment.provider_trade_no
    payment.save(update_fields=["status", "paid_at", "transaction", "provider_trade_no"])
    audit_record(actor=actor, action="payment.paid", instance=payment, before=before, after=snapshot(payment))
    failure = ""
    if was_closed:
        failure = _("The payment arrived after it was cancelled.")
    elif payment.purpose == Purpose.TOPUP:
        failure = _topup_refusal(payment)
    elif payment.purpose == Purpose.MARKETPLACE and payment.product_id is not None:
        try:
            with transaction.atomic():
                order = ledger.order_place(
                    actor=None,
                    resident=payment.payer,
                    product=payment.product,  # type: ignore[arg-type]
                    quantity=payment.quantity,
                    idempotency_key=f"order:{payment.out_trade_no}",
                    now=now,
                )
        except DomainError as exc:
            failure = str(exc.message)
        else:
            payment.order = order
            payment.save(update_fields=["order"])
    elif payment.subject_id is not None and payment.purpose in HANDLERS:
        failure = HANDLERS[payment.purpose].paid(payment.subject_id, now)
        if not failure:
            # held for the service until it is given (the company's revenue then) or refunded
            ledger.money_transfer(
                community=community,
                from_account=ledger.resident_account(payment.payer, Unit.FEN),
                to_account=ledger.payment_prepaid_account(community),
                amount_fen=payment.amount_fen,
                idempotency_key=f"prepaid:{payment.out_trade_no}",
                memo=payment.description,
                actor=actor,
                kind=TransactionKind.TRANSFER,
                now=now,
            )
    if failure:
        # nothing to deliver: the money goes straight back
        _refund(payment, amount=payment.amount_fen, reason=failure, actor=actor, now=now)
        return
    user = payment.payer.user if payment.payer.user_id else None
    if user is None:
        return
    if payment.purpose == Purpose.TOPUP:
        with in_language_of(user):  # read later by the payer, whoever took the money
            title = _("Topped up: %(amount)s") % {"amount": yuan(payment.amount_fen)}
            body = _("Your balance is now %(balance)s.") % {"balance": yuan(selectors.stored_balance(payment.payer))}
        notify(user=user, community=payment.payer.community, title=title, body=body, url=reverse("payments:balance"))
    elif payment.purpose == Purpose.MARKETPLACE:
        with in_language_of(user):
            title = _("Paid: %(what)s") % {"what": described_now(payment)}
            body = _("Show the code under 我的 › orders to the merchant.")
        notify(
            user=user,
            community=payment.payer.community,
            title=title,
            body=body,
            url=f"/ledger/orders/{payment.order_id}/" if payment.order_id else "/ledger/orders/",
        )


def _topup_refusal(payment: Payment) -> str:
    """Why a top-up that has just been credited cannot stay (it is then refunded at once): the community stopped
    stored value, or the balance is now over its limit (two top-ups paid at once). Read after the deposit, whose
    posting holds the payer's account locked."""
    policy = selectors.stored_value_policy(payment.community)
    if not policy.enabled:
        return _("This community no longer offers a stored balance.")
    balance = selectors.stored_balance(payment.payer)
    if balance > policy.limit_fen:
        return _("The balance would be %(balance)s, over the limit of %(limit)s.") % {
            "balance": yuan(balance),
            "limit": yuan(policy.limit_fen),
        }
    return ""


def _refund(payment: Payment, *, amount: int, reason: str, actor: "Actor | None", now: dt.datetime) -> Refund:
    """Send `amount` of a paid payment (locked by the caller) back through its provider."""
    if payment.status not in PAID_STATES or amount <= 0 or payment.refunded_fen + amount > payment.amount_fen:
        raise Conflict(_("This payment cannot be refunded by that amount."), code="not_refundable")
    community = payment.community
    n = payment.refunds.count() + 1
    out_refund_no = f"{payment.out_trade_no}R{n}"
    txn = ledger.money_transfer(
        community=community,
        from_account=ledger.resident_account(payment.payer, Unit.FEN),
        to_account=ledger.clearing_account(community, payment.provider),
        amount_fen=amount,
        idempotency_key=f"refund:{out_refund_no}",
        memo=payment.description,  # neutral: the statement says why in its reader's language
        actor=actor,
        kind=TransactionKind.TRANSFER,
        now=now,
    )
    refund = Refund.objects.create(
        payment=payment,
        out_refund_no=out_refund_no,
        amount_fen=amount,
        reason=reason[:200],
        transaction=txn,
        created_by=account_of(actor),
        created_at=now,
    )
    before = snapshot(payment)
    payment.refunded_fen += amount
    payment.status = (
        Payment.Status.REFUNDED if payment.refunded_fen == payment.amount_fen else Payment.Status.PARTIALLY_REFUNDED
    )
    payment.save(update_fields=["refunded_fen", "status"])
    try:
        done = get_provider(payment.provider).refund(
            mch_id=community.code,
            out_trade_no=payment.out_trade_no,
            out_refund_no=out_refund_no,
            amount_fen=amount,
            notify_url=_notify_url(payment.provider),
            now=now,
        )
    except ProviderError as exc:
        raise DomainError(
            _("The payment service did not accept the refund; nothing was changed. Try again later."),
            code="provider_refused",
        ) from exc
    if done:
        refund.status = Refund.Status.SUCCEEDED
        refund.succeeded_at = now
        refund.save(update_fields=["status", "succeeded_at"])
    audit_record(actor=actor, action="payment.refund", instance=payment, before=before, after=snapshot(payment))
    audit_record(actor=actor, action="refund.create", instance=refund, community=community, after=snapshot(refund))
    return refund


def order_refunded(*, order: Order, actor: Actor, now: dt.datetime | None = None) -> None:
    """The ledger's hook, inside `order_refund`'s transaction: the order's yuan is back on the payer's account,
    so send it back through the provider it came from."""
    if not order.fen:
        return
    payment = Payment.objects.select_for_update().filter(order=order).first()
    if payment is None:
        return
    amount = min(order.fen, payment.amount_fen - payment.refunded_fen)
    if amount > 0:
        _refund(payment, amount=amount, reason=_("Order cancelled"), actor=actor, now=now or timezone.now())


def _refused(provider: str, reason: str, body: bytes, actor: "Actor | None" = None) -> None:
    """Log a refused notification: in the log, and in the audit log in a transaction of its own (the caller's
    refusal rolls nothing of it back)."""
    logger.warning("payment notification refused (%s): %s", provider, reason)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="payment.notification_refused",
            object_type="payments.notification",
            object_id=provider[:40],
            after={"reason": reason, "body": body[:500].decode("utf-8", "replace")},
        )


def notification_receive(*, provider: str, body: bytes, headers: Mapping[str, str]) -> Payment | Refund:
    """A notification posted to our notify URL. Refused (`BadNotification`, answered 400 and logged) unless
    its signature verifies; then matched to our record, its amount compared with ours, and booked once."""
    try:
        source = get_provider(provider)
        notice = source.parse_notification(body=body, headers=headers)
    except ProviderError as exc:
        _refused(provider, str(exc), body)
        raise BadNotification(str(exc)) from exc
    try:
        if notice.kind == "refund":
            return _refund_notice(provider, notice)
        return _payment_notice(provider, notice)
    except BadNotification as exc:
        _refused(provider, str(exc), body)
        raise


def _payment_notice(provider: str, notice: Notice, now: dt.datetime | None = None) -> Payment:
    now = now or timezone.now()
    with transaction.atomic():
        _lock_subject(notice.out_trade_no)
        payment = (
            Payment.objects.select_for_update(of=("self",))
            .select_related("payer__community", "community", "product__merchant")
            .filter(out_trade_no=notice.out_trade_no, provider=provider)
            .first()
        )
        if payment is None:
            raise BadNotification(f"unknown out_trade_no {notice.out_trade_no}")
        if notice.amount_fen != payment.amount_fen:
            raise BadNotification(
                f"{notice.out_trade_no}: the notification says {notice.amount_fen} fen, we asked {payment.amount_fen}"
            )
        if notice.state != "SUCCESS" or payment.status in PAID_STATES:
            return payment  # not paid, or already booked: a duplicate or a late one
        _book(payment, actor=None, now=now, provider_trade_no=notice.provider_trade_no, paid_at=notice.at)
    return payment


def _refund_notice(provider: str, notice: Notice) -> Refund:
    with transaction.atomic():
        refund = (
            Refund.objects.select_for_update(of=("self",))
            .select_related("payment")
            .filter(out_refund_no=notice.out_refund_no, payment__provider=provider)
            .first()
        )
        if refund is None:
            raise BadNotification(f"unknown out_refund_no {notice.out_refund_no}")
        if refund.amount_fen != notice.amount_fen or refund.payment.out_trade_no != notice.out_trade_no:
            raise BadNotification(f"{notice.out_refund_no}: the refund notification does not match our refund")
        if notice.state == "SUCCESS" and refund.status != Refund.Status.SUCCEEDED:
            refund.status = Refund.Status.SUCCEEDED
            refund.succeeded_at = notice.at or timezone.now()
            refund.save(update_fields=["status", "succeeded_at"])
            audit_record(actor=None, action="refund.succeeded", instance=refund, community=refund.payment.community)
    return refund


def _lock_subject(out_trade_no: str) -> None:
    """What a payment pays for is locked before the payment, the order in which a cancel takes them."""
    found = Payment.objects.filter(out_trade_no=out_trade_no).values_list("purpose", "subject_id").first()
    if found is not None and found[1] is not None and found[0] in HANDLERS:
        HANDLERS[found[0]].lock(found[1])


def payment_check(*, actor: Actor, payment: Payment, now: dt.datetime | None = None) -> Payment:
    """Ask the provider where an awaited payment stands (the notification may be late, or lost) and book it if
    it was paid: the provider's answer, not the browser's, decides."""
    if not rules.can_see_payment(actor, payment):
        raise NotFound(_("No such payment."))
    if payment.status != Payment.Status.CREATED or payment.provider == COUNTER:
        return payment
    try:
        state = get_provider(payment.provider).query(out_trade_no=payment.out_trade_no)
    except ProviderError:
        return payment
    if state.state in ("SUCCESS", "REFUND"):
        notice = Notice(
            kind="payment",
            out_trade_no=payment.out_trade_no,
            state="SUCCESS",
            amount_fen=state.amount_fen,
            provider_trade_no=state.provider_trade_no,
        )
        try:
            return _payment_notice(payment.provider, notice, now=now)
        except BadNotification as exc:
            _refused(payment.provider, str(exc), b"", actor=actor)
            raise Conflict(
                _("The payment service reports another amount; ask the service desk."), code="mismatch"
            ) from None
    return payment


def payment_cancel(*, actor: Actor, payment: Payment, now: dt.datetime | None = None) -> Payment:
    """Give up a payment not made yet: the provider closes the trade first, so that it can no longer be paid;
    if it was paid meanwhile, the cancel is refused and the payment is booked when its notification comes."""
    if not rules.can_cancel_payment(actor, payment):
        raise NotFound(_("No such payment."))
    now = now or timezone.now()
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.status == Payment.Status.CLOSED:
            return locked
        if locked.status != Payment.Status.CREATED:
            raise Conflict(
                _("This payment has been made; cancel the order instead to get the money back."), code="already_paid"
            )
        _close_unpaid(
            locked,
            actor=actor,
            now=now,
            if_paid=_("The payment has just gone through; it will show in a moment. Cancel the order to get it back."),
        )
    return locked


# --- bookings, classes and meals: paying for a subject -----------------------------------------------------------


def _live_payment(purpose: str, subject_id: int) -> Payment | None:
    return (
        Payment.objects.select_for_update()
        .filter(purpose=purpose, subject_id=subject_id)
        .exclude(status=Payment.Status.CLOSED)
        .first()
    )


def _close_unpaid(payment: Payment, *, actor: "Actor | None", now: dt.datetime, if_paid: str = "") -> None:
    """Close a payment (locked by the caller) not made yet, the provider first; `Conflict` (saying `if_paid`, or
    to try again) if it was paid."""
    try:
        get_provider(payment.provider).close(out_trade_no=payment.out_trade_no)
    except AlreadyPaid:
        raise Conflict(
            if_paid or _("The payment has just gone through; it will show in a moment. Try again then."),
            code="already_paid",
        ) from None
    except ProviderError as exc:
        raise DomainError(
            _("The payment service is not available now; try again later."), code="provider_unavailable"
        ) from exc
    before = snapshot(payment)
    payment.status = Payment.Status.CLOSED
    payment.closed_at = now
    payment.save(update_fields=["status", "closed_at"])
    audit_record(actor=actor, action="payment.cancel", instance=payment, before=before, after=snapshot(payment))


def _subject_payment(purpose: str, subject_id: int, due: Due, **how: Any) -> Payment:
    """The (unsaved) payment of a booking's, class's or meal's fee, for what its record says is due."""
    return Payment(
        community=due.community,
        payer=due.payer,
        purpose=purpose,
        subject_id=subject_id,
        description=due.description,
        amount_fen=due.amount_fen,
        **how,
    )


def subject_payment_start(*, actor: Actor, purpose: str, subject_id: int, now: dt.datetime | None = None) -> Payment:
    """Prepay a booking's, class's or meal's fee with the online provider, for the amount the record says. If a
    payment for it is already awaited, that one is returned (one QR code, not two)."""
    handler = handler_for(purpose)
    now = now or timezone.now()
    due = handler.due(subject_id, actor, now)
    payer_checks(actor=actor, payer=due.payer)
    provider = online_provider()
    with transaction.atomic():
        existing = _live_payment(purpose, subject_id)
        if existing is not None:
            if existing.status == Payment.Status.CREATED and existing.provider == provider.name:
                return existing
            raise Conflict(_("This has already been paid."), code="already_paid")
        try:
            return online_open(_subject_payment(purpose, subject_id, due), actor=actor, now=now, trade_prefix="LL")
        except IntegrityError:
            raise Conflict(_("A payment for this has just been started; open it again."), code="duplicate") from None


def subject_counter_take(
    *, actor: Actor, purpose: str, subject_id: int, method: str = Method.CASH, now: dt.datetime | None = None
) -> Payment:
    """The front desk takes a booking's, class's or meal's fee at the counter (cash, card, scanned code) with a
    receipt number; a QR payment the resident opened and did not make is closed first."""
    handler = handler_for(purpose)
    now = now or timezone.now()
    due = handler.due(subject_id, actor, now)
    counter_checks(actor=actor, community=due.community, payer=due.payer, method=method)
    with transaction.atomic():
        handler.lock(subject_id)
        lock_receipts(due.community)
        existing = _live_payment(purpose, subject_id)
        if existing is not None:
            if existing.status != Payment.Status.CREATED:
                raise Conflict(_("This has already been paid."), code="already_paid")
            _close_unpaid(existing, actor=actor, now=now)
        payment = counter_record(
            _subject_payment(purpose, subject_id, due, method=method), actor=actor, now=now, trade_prefix="CT"
        )
        if payment.status != Payment.Status.PAID:
            raise Conflict(_("This can no longer be paid."), code="not_payable")
    return payment


def subject_cancelled(
    *,
    purpose: str,
    subject_id: int,
    actor: "Actor | None",
    now: dt.datetime,
    reason: str,
    refund_fen: int | None = None,
) -> Payment | None:
    """What a payment paid for is being cancelled (called inside the cancel's transaction, the subject locked): an
    unpaid payment is closed (refused with `Conflict` if it went through meanwhile, so that nothing changes), a
    paid one refunded through its provider, `refund_fen` of it or all that is left."""
    payment = _live_payment(purpose, subject_id)
    if payment is None:
        return None
    if payment.status == Payment.Status.CREATED:
        _close_unpaid(payment, actor=actor, now=now)
        return payment
    left = payment.amount_fen - payment.refunded_fen
    amount = left if refund_fen is None else min(refund_fen, left)
    if amount > 0:
        n = payment.refunds.count() + 1
        ledger.money_transfer(
            community=payment.community,
            from_account=ledger.payment_prepaid_account(payment.community),
            to_account=ledger.resident_account(payment.payer, Unit.FEN),
            amount_fen=amount,
            idempotency_key=f"release:{payment.out_trade_no}R{n}",
            memo=payment.description,
            actor=actor,
            kind=TransactionKind.TRANSFER,
            now=now,
        )
        _refund(payment, amount=amount, reason=reason, actor=actor, now=now)
    return payment


def booking_cancelled(*, booking: Any, actor: Actor, now: dt.datetime, reason: str) -> None:
    """The facilities hook in `booking_cancel` and a slot's cancel: the fee goes back in full (residents may cancel
    only before the service's deadline; later, only the front desk or the community cancels, for them)."""
    subject_cancelled(purpose=Purpose.BOOKING, subject_id=booking.pk, actor=actor, now=now, reason=reason)


def booking_pay_url(booking: Any) -> str:
    return reverse("payments:pay_for", args=[Purpose.BOOKING, booking.pk])


# --- the daily reconciliation ---------------------------------------------------------------------------------


def reconciliation_import(
    *,
    actor: Actor,
    community: Community,
    provider: str,
    day: dt.date,
    content: bytes,
    now: dt.datetime | None = None,
) -> Reconciliation:
    """Compare the provider's statement of `day` with our payments and refunds of that day. Each difference
    (on the statement only, in our records only, amounts differ) is listed and posted between the provider's
    clearing account and the suspense account, so that the clearing account agrees with the provider."""
    if not rules.can_reconcile(actor, community):
        raise NotAllowed(_("You may not reconcile this community's payments."))
    try:
        source = get_provider(provider)
    except ProviderError:
        raise DomainError(_("Unknown payment provider."), field="provider") from None
    try:
        lines = source.parse_statement(content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise DomainError(
            _("This file cannot be read as the provider's statement: %(error)s") % {"error": exc}, field="file"
        ) from None
    now = now or timezone.now()
    start, end = day_bounds(day)
    theirs: dict[str, tuple[str, int]] = {}
    for line in lines:
        kind, amount = theirs.get(line.key, (line.kind, 0))
        theirs[line.key] = (line.kind, amount + line.amount_fen)
    ours: dict[str, tuple[str, int]] = {}
    for no, amount in Payment.objects.filter(
        community=community, provider=provider, paid_at__gte=start, paid_at__lt=end
    ).values_list("out_trade_no", "amount_fen"):
        ours[no] = ("payment", amount)
    for no, amount in Refund.objects.filter(
        payment__community=community, payment__provider=provider, created_at__gte=start, created_at__lt=end
    ).values_list("out_refund_no", "amount_fen"):
        ours[no] = ("refund", amount)
    with transaction.atomic():
        lock_receipts(community)
        if Reconciliation.objects.filter(community=community, provider=provider, day=day).exists():
            raise Conflict(
                _("The statement of %(day)s has already been reconciled.") % {"day": day.isoformat()}, code="duplicate"
            )
        try:
            with transaction.atomic():
                recon = Reconciliation.objects.create(
                    community=community,
                    provider=provider,
                    day=day,
                    lines=len(lines),
                    matched=0,
                    created_by=account_of(actor),
                    created_at=now,
                )
        except IntegrityError:
            raise Conflict(
                _("The statement of %(day)s has already been reconciled.") % {"day": day.isoformat()}, code="duplicate"
            ) from None
        matched = 0
        clearing = ledger.clearing_account(community, provider)
        suspense = ledger.payment_suspense_account(community)
        for key in sorted(theirs.keys() | ours.keys()):
            their_kind, their_fen = theirs.get(key, ("", 0))
            our_kind, our_fen = ours.get(key, ("", 0))
            if their_fen == our_fen and their_kind == our_kind:
                matched += 1
                continue
            kind = (
                Difference.Kind.MISSING_OURS
                if key not in ours
                else Difference.Kind.MISSING_THEIRS
                if key not in theirs
                else Difference.Kind.AMOUNT
            )
            # money in (a payment) is a negative balance on the clearing account; money out (a refund) positive
            sign = -1 if (their_kind or our_kind) == "refund" else 1
            delta = sign * (their_fen - our_fen)  # how much more the provider says it collected than we did
            txn = ledger.money_transfer(
                community=community,
                from_account=clearing if delta > 0 else suspense,
                to_account=suspense if delta > 0 else clearing,
                amount_fen=abs(delta),
                idempotency_key=f"recon:{recon.pk}:{key}",
                memo=f"{day.isoformat()} {key}"[:200],
                actor=actor,
                kind=TransactionKind.TRANSFER,
                now=now,
            )
            Difference.objects.create(
                reconciliation=recon,
                kind=kind,
                trade_no=key[:40],
                ours_fen=our_fen,
                theirs_fen=their_fen,
                transaction=txn,
            )
        recon.matched = matched
        recon.save(update_fields=["matched"])
        audit_record(
            actor=actor,
            action="payment.reconcile",
            instance=recon,
            after={**snapshot(recon), "differences": recon.differences.count()},
        )
    return recon


def statement_fetch(*, actor: Actor, community: Community, provider: str, day: dt.date) -> bytes:
    """Download the provider's statement of `day` for this community (its merchant number is the community code)."""
    if not rules.can_reconcile(actor, community):
        raise NotAllowed(_("You may not reconcile this community's payments."))
    try:
        return get_provider(provider).statement(mch_id=community.code, day=day)
    except ProviderError as exc:
        raise DomainError(_("Unknown payment provider."), field="provider") from exc
