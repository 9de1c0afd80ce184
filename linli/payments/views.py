"""Pages: the resident pays (QR page, the simulated wallet), the counter takes money and shows the day's cash-up,
the books keeper reconciles the provider's statement; and the provider's notify URL."""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from linli.core.buttons import press, submit
from linli.core.errors import DomainError, NotFound
from linli.core.file_responses import file_response
from linli.core.parsing import parse_date, parse_id
from linli.core.uploads import upload_read
from linli.ledger import selectors as ledger_selectors
from linli.ledger.money import price_of, yuan
from linli.ledger.qr import qr_svg
from linli.people.models import Resident
from linli.people.selectors import resident_of_user
from linli.places.selectors import community_get

from . import rules, selectors, services, stored_value
from .forms import (
    STATEMENT_MAX_BYTES,
    CounterForm,
    CounterMethodForm,
    CounterTopupForm,
    CounterWithdrawForm,
    ReconcileForm,
    StoredValuePolicyForm,
    TopupForm,
    WithdrawForm,
    to_fen,
)
from .models import Payment, Reconciliation, Refund
from .providers import COUNTER, BadNotification, ProviderError, provider_choices
from .providers.simulated import SimulatedGateway
from .purposes import HANDLERS, handler_for


@login_required
@require_POST
def checkout(request: HttpRequest, product_id: int) -> HttpResponse:
    """The order page's "pay" button: open the payment with the provider, then show its QR code."""
    resident = resident_of_user(user=request.user)
    if resident is None:
        raise NotFound(_("Your account is not linked to a resident of a community yet."))
    product = ledger_selectors.product_for_resident(resident=resident, pk=product_id)
    try:
        quantity = int(request.POST.get("quantity", "1"))
    except ValueError:
        quantity = 0
    try:
        payment = services.payment_start(actor=request.user, resident=resident, product=product, quantity=quantity)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("ledger:order_place", pk=product.pk)
    return redirect("payments:pay", out_trade_no=payment.out_trade_no)


@login_required
def pay_for(request: HttpRequest, purpose: str, subject_id: int) -> HttpResponse:
    """Paying a booking's, class's or meal's fee: the payer pays online (then the QR page); the front desk takes it
    at the counter. The amount is the record's."""
    handler = handler_for(purpose)
    due = handler.due(subject_id, request.user, timezone.now())
    at_counter = rules.can_take_at_counter(request.user, due.community)
    form = CounterMethodForm(request.POST or None) if at_counter else None
    if request.method == "POST":
        try:
            if request.POST.get("how") == "counter" and form is not None:
                if not form.is_valid():
                    raise DomainError(_("Choose cash, bank card or a scanned payment code."), field="method")
                payment = services.subject_counter_take(
                    actor=request.user, purpose=purpose, subject_id=subject_id, method=form.cleaned_data["method"]
                )
                messages.success(request, _("Paid. Receipt %(no)s.") % {"no": payment.receipt_no})
            else:
                payment = services.subject_payment_start(actor=request.user, purpose=purpose, subject_id=subject_id)
        except DomainError as exc:
            messages.error(request, str(exc.message))
            return redirect("payments:pay_for", purpose=purpose, subject_id=subject_id)
        return redirect("payments:pay", out_trade_no=payment.out_trade_no)
    return render(
        request,
        "payments/pay_for.html",
        {"due": due, "purpose": purpose, "subject_id": subject_id, "form": form, "back": due.url},
    )


@login_required
def pay(request: HttpRequest, out_trade_no: str) -> HttpResponse:
    """A payment: while it is awaited, the QR code to scan with the wallet; once paid, the order (or the receipt)."""
    payment = selectors.payment_get(user=request.user, out_trade_no=out_trade_no)
    code_url = request.build_absolute_uri(payment.code_url) if payment.code_url else ""
    return render(
        request,
        "payments/pay.html",
        {
            "p": payment,
            "qr": qr_svg(code_url) if payment.status == Payment.Status.CREATED and code_url else "",
            "code_url": payment.code_url,
            "refunds": payment.refunds.all(),
            "subject_url": (
                HANDLERS[payment.purpose].url(payment.subject_id)
                if payment.subject_id is not None and payment.purpose in HANDLERS
                else ""
            ),
        },
    )


@login_required
@require_POST
def check(request: HttpRequest, out_trade_no: str) -> HttpResponse:
    payment = selectors.payment_get(user=request.user, out_trade_no=out_trade_no)
    try:
        payment = services.payment_check(actor=request.user, payment=payment)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        if payment.status == Payment.Status.CREATED:
            messages.info(request, _("The payment has not arrived yet."))
    return redirect("payments:pay", out_trade_no=payment.out_trade_no)


@login_required
@require_POST
def cancel(request: HttpRequest, out_trade_no: str) -> HttpResponse:
    payment = selectors.payment_get(user=request.user, out_trade_no=out_trade_no)
    return press(
        request,
        lambda _data: services.payment_cancel(actor=request.user, payment=payment),
        done=_("Payment cancelled; nothing was charged."),
        back=_receipt_url(payment),
    )


@login_required
def gateway_pay(request: HttpRequest, out_trade_no: str) -> HttpResponse:
    """The simulated gateway's payer page: what the phone's wallet shows after scanning the QR code. Confirming
    pays the trade at the gateway, which then notifies the platform."""
    gateway = SimulatedGateway()
    trade = gateway.trade(out_trade_no)
    if trade is None:
        raise NotFound(_("No such payment."))
    if request.method == "POST":
        try:
            gateway.payer_confirm(out_trade_no=out_trade_no)
        except ProviderError:
            messages.error(request, _("This payment was closed and can no longer be paid."))
        return redirect("payments:pay", out_trade_no=out_trade_no)
    return render(request, "payments/gateway_pay.html", {"trade": trade})


@csrf_exempt
@require_POST
def notify(request: HttpRequest, provider: str) -> HttpResponse:
    """The provider's notify URL: answers 200 once the notification is verified and booked, 400 (and it is
    logged) when it does not verify or does not match our record."""
    headers = {k: v for k, v in request.headers.items()}
    try:
        services.notification_receive(provider=provider, body=request.body, headers=headers)
    except BadNotification:
        return JsonResponse({"code": "FAIL", "message": "refused"}, status=400)
    return JsonResponse({"code": "SUCCESS", "message": ""})


@login_required
def counter(request: HttpRequest, code: str) -> HttpResponse:
    """The service counter: take a resident's payment for an order (cash, card, scanned code), print the receipt."""
    community = community_get(code=code, user=request.user)
    products = [
        (p.pk, f"{p.merchant.name} · {p.name} · {price_of(p)}")
        for p in selectors.counter_products(user=request.user, community=community)
    ]
    form = CounterForm(request.POST or None, products=products)

    def take(data: dict[str, Any]) -> Payment:
        return services.counter_take(
            actor=request.user,
            resident=selectors.resident_at_counter(user=request.user, community=community, who=data["resident"]),
            product=selectors.counter_product_get(user=request.user, community=community, pk=data["product"]),
            quantity=data["quantity"],
            method=data["method"],
        )

    return submit(request, form, take, done=_receipt_said, then=_receipt_url) or render(
        request, "payments/counter.html", {"community": community, "form": form, "key": uuid.uuid4().hex}
    )


def _receipt_said(payment: Payment) -> str:
    return _("Paid. Receipt %(no)s.") % {"no": payment.receipt_no}


def _receipt_url(payment: Payment) -> str:
    return reverse("payments:pay", kwargs={"out_trade_no": payment.out_trade_no})


@login_required
def cashup(request: HttpRequest, code: str) -> HttpResponse:
    """An operator's cash-up of a day: each payment and refund at the counter, totals by method, cash to hand over."""
    community = community_get(code=code, user=request.user)
    day = parse_date(request.GET.get("date"), default=timezone.localdate())
    operator_id = parse_id(request.GET.get("operator")) if request.GET.get("operator") else None
    operator = selectors.operator_get(user=request.user, community=community, pk=operator_id)
    data = selectors.cashup(user=request.user, community=community, operator=operator, day=day)
    return render(
        request,
        "payments/cashup.html",
        {
            "community": community,
            "c": data,
            "operator": operator,
            "prev": day - dt.timedelta(days=1),
            "next": day + dt.timedelta(days=1),
        },
    )


@login_required
def reconcile(request: HttpRequest, code: str) -> HttpResponse:
    """Import a provider's daily statement (对账单) and see what differs from our records."""
    community = community_get(code=code, user=request.user)
    items = selectors.reconciliations(user=request.user, community=community)
    form = ReconcileForm(request.POST or None, request.FILES or None, providers=provider_choices())

    def statement_import(data: dict[str, Any]) -> Reconciliation:
        content = upload_read(data["file"], max_bytes=STATEMENT_MAX_BYTES, field="file")
        return services.reconciliation_import(
            actor=request.user, community=community, provider=data["provider"], day=data["day"], content=content
        )

    return submit(
        request,
        form,
        statement_import,
        done=None,
        then=lambda recon: reverse("payments:reconciliation", kwargs={"code": community.code, "pk": recon.pk}),
    ) or render(
        request,
        "payments/reconcile.html",
        {
            "community": community,
            "form": form,
            "page": items[:60],
            "yesterday": timezone.localdate() - dt.timedelta(days=1),
            "providers": provider_choices(),
        },
    )


@login_required
def reconciliation(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    recon = selectors.reconciliation_get(user=request.user, community=community, pk=pk)
    return render(
        request,
        "payments/reconciliation.html",
        {"community": community, "r": recon, "differences": selectors.differences_of(recon)},
    )


@login_required
def statement(request: HttpRequest, code: str) -> HttpResponse:
    """The provider's statement file of a day, as it publishes it (to download, check and import)."""
    community = community_get(code=code, user=request.user)
    day = parse_date(request.GET.get("date"), default=timezone.localdate() - dt.timedelta(days=1))
    provider = request.GET.get("provider") or COUNTER
    content = services.statement_fetch(actor=request.user, community=community, provider=provider, day=day)
    return file_response(
        content, filename=f"statement-{provider}-{community.code}-{day}.csv", content_type="text/csv; charset=utf-8"
    )


# --- stored value ---------------------------------------------------------------------------------------------


@login_required
def balance(request: HttpRequest) -> HttpResponse:
    """My balance (储值): what I hold, the limit, top up online, withdraw, and each line with its reason."""
    resident = resident_of_user(user=request.user)
    if resident is None:
        raise NotFound(_("Your account is not linked to a resident of a community yet."))
    topup = TopupForm(request.POST if request.POST.get("action") == "topup" else None, prefix="topup")
    withdraw = WithdrawForm(request.POST if request.POST.get("action") == "withdraw" else None, prefix="withdraw")
    if request.method == "POST":
        try:
            if topup.is_bound and topup.is_valid():
                payment = stored_value.topup_start(
                    actor=request.user, resident=resident, amount_fen=to_fen(topup.cleaned_data["amount"]) or 0
                )
                return redirect("payments:pay", out_trade_no=payment.out_trade_no)
            if withdraw.is_bound and withdraw.is_valid():
                refunds = stored_value.balance_withdraw(
                    actor=request.user, resident=resident, amount_fen=to_fen(withdraw.cleaned_data["amount"])
                )
                messages.success(
                    request,
                    _("%(amount)s is on its way back the way you paid it.")
                    % {"amount": yuan(sum(r.amount_fen for r in refunds))},
                )
                return redirect("payments:balance")
        except DomainError as exc:
            form = topup if topup.is_bound else withdraw
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
    policy = selectors.stored_value_policy(resident.community)
    held = selectors.stored_balance(resident)
    invalid = (topup.is_bound and bool(topup.errors)) or (withdraw.is_bound and bool(withdraw.errors))
    return render(
        request,
        "payments/balance.html",
        {
            "resident": resident,
            "policy": policy,
            "balance": held,
            "room": max(0, policy.limit_fen - held),
            "topup": topup,
            "withdraw": withdraw,
            "entries": selectors.stored_value_history(user=request.user, resident=resident),
        },
        status=400 if invalid else 200,
    )


@login_required
def stored_value_policy(request: HttpRequest, code: str) -> HttpResponse:
    """Who keeps the books allows stored value and sets the most one resident may hold."""
    community = community_get(code=code, user=request.user)
    policy = selectors.stored_value_policy_get(user=request.user, community=community)
    form = StoredValuePolicyForm(
        request.POST or None, initial={"enabled": policy.enabled, "limit": Decimal(policy.limit_fen) / 100}
    )
    return submit(
        request,
        form,
        lambda data: stored_value.stored_value_policy_set(
            actor=request.user, community=community, enabled=data["enabled"], limit_fen=to_fen(data["limit"]) or 0
        ),
        done=_("Saved."),
        then=reverse("payments:stored_value", kwargs={"code": community.code}),
    ) or render(
        request,
        "payments/stored_value.html",
        {
            "community": community,
            "policy": policy,
            "form": form,
            "totals": selectors.stored_value_totals(user=request.user, community=community),
        },
        status=400 if form.errors else 200,
    )


@login_required
def counter_topup(request: HttpRequest, code: str) -> HttpResponse:
    """The service counter tops up a resident's balance (cash, card, scanned code) and gives a receipt, or hands
    a balance back (what was paid in at the counter in cash or to the card, the rest through the gateway)."""
    community = community_get(code=code, user=request.user)
    if not rules.can_take_at_counter(request.user, community):
        raise NotFound(_("No such page."))
    action = request.POST.get("action", "topup")
    form = CounterTopupForm(request.POST if request.method == "POST" and action == "topup" else None)
    withdraw = CounterWithdrawForm(
        request.POST if request.method == "POST" and action == "withdraw" else None, prefix="withdraw"
    )

    def resident_of(data: dict[str, Any]) -> Resident:
        return selectors.resident_at_counter(user=request.user, community=community, who=data["resident"])

    def handed_back(refunds: list[Refund]) -> str:
        return _("Hand back %(cash)s; %(rest)s goes back the way it was paid.") % {
            "cash": yuan(sum(r.amount_fen for r in refunds if r.payment.provider == COUNTER)),
            "rest": yuan(sum(r.amount_fen for r in refunds if r.payment.provider != COUNTER)),
        }

    answered = submit(
        request,
        form,
        lambda data: stored_value.topup_at_counter(
            actor=request.user,
            resident=resident_of(data),
            amount_fen=to_fen(data["amount"]) or 0,
            method=data["method"],
        ),
        done=_receipt_said,
        then=_receipt_url,
    ) or submit(
        request,
        withdraw,
        lambda data: stored_value.balance_withdraw(
            actor=request.user, resident=resident_of(data), amount_fen=to_fen(data["amount"]), at_counter=True
        ),
        done=handed_back,
        then=reverse("payments:counter_topup", kwargs={"code": community.code}),
    )
    return answered or render(
        request,
        "payments/counter_topup.html",
        {
            "community": community,
            "form": form,
            "withdraw": withdraw,
            "policy": selectors.stored_value_policy(community),
        },
        status=400 if form.errors or withdraw.errors else 200,
    )
