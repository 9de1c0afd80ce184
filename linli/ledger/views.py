"""Pages: parse, check the rule, call one service, render."""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from linli.core.buttons import buttons_on, press, submit
from linli.core.errors import DomainError, NotAllowed, NotFound
from linli.core.file_responses import file_response
from linli.core.links import RowLinks
from linli.core.parsing import parse_id, parse_year
from linli.people.selectors import elders_helped_by, resident_of_user, resident_whose_points
from linli.places.models import Community
from linli.places.selectors import community_get

from . import exports, rules, selectors, services
from .forms import EarningRuleForm, MerchantApplyForm, NewEarningRuleForm, PolicyForm, ProductForm
from .hooks import payment_hooks
from .models import Merchant, Order, Unit
from .qr import qr_svg
from .reasons import with_reasons


def _resident(request: HttpRequest):  # type: ignore[no-untyped-def]
    resident = resident_of_user(user=request.user)
    if resident is None:
        raise NotFound(_("Your account is not linked to a resident of a community yet."))
    return resident


@login_required
def my_points(request: HttpRequest) -> HttpResponse:
    """My points; with `?for=<resident>`, those of an elder I help as family (亲情账号), to read, never to spend."""
    if request.GET.get("for"):
        resident = resident_whose_points(user=request.user, pk=parse_id(request.GET["for"]))
    else:
        resident = _resident(request)
    own = resident.user_id == request.user.pk
    accounts = selectors.resident_accounts(resident)
    account = accounts.get(Unit.POINTS)
    policy = selectors.ledger_settings(resident.community)
    year = timezone.localdate().year
    # the statement's length and the credits that keep points from expiring, counted together
    lines, recent = selectors.statement_totals(account, since=selectors.year_start(year - policy.expiry_years + 1))
    expiring = max(0, account.balance - recent) if account and policy.expiry_enabled else 0
    paginator = Paginator(selectors.statement(account), 20)
    paginator.count = lines  # counted above: no second COUNT
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = with_reasons(page.object_list)
    return render(
        request,
        "ledger/my_points.html",
        {
            "resident": resident,
            "balances": selectors.balances_of(accounts),
            "expiring": expiring,
            "year": year,
            "page": page,
            "merchants": selectors.merchants_of_user(request.user) if own else [],
            "own": own,
            "elders": elders_helped_by(user=request.user) if own else [],
        },
    )


@login_required
def shop(request: HttpRequest) -> HttpResponse:
    resident = resident_of_user(user=request.user)
    kind = request.GET.get("kind", "")
    q = request.GET.get("q", "").strip()
    page = Paginator(selectors.shop_products(resident=resident, kind=kind, search=q), 24).get_page(
        request.GET.get("page")
    )
    links = RowLinks()  # each product's order URL, reversed once for the page
    products = list(page.object_list)
    for product in products:
        setattr(product, "order_url", links.url("ledger:order_place", product.pk))  # noqa: B010
    page.object_list = products
    balance = selectors.resident_balances(resident) if resident else None
    return render(
        request,
        "ledger/shop.html",
        {
            "resident": resident,
            "page": page,
            "kind": kind,
            "q": q,
            "balances": balance,
            "key": uuid.uuid4().hex,
            "online_payment": payment_hooks.checkout_url is not None,
        },
    )


@login_required
def order_place(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what the product costs, the points left after it, and one button to confirm (or how to pay when it
    needs yuan, or how to earn the points missing). POST: place the order, then show its redemption code."""
    resident = _resident(request)
    product = selectors.product_for_resident(resident=resident, pk=pk)
    if request.method == "POST":
        if not rules.can_order_online(product):
            messages.error(request, _("This product is paid at the shop; it cannot be ordered online yet."))
            return redirect("ledger:order_place", pk=product.pk)
        try:
            quantity = int(request.POST.get("quantity", "1"))
        except ValueError:
            quantity = 0
        try:
            order = services.order_place(
                actor=request.user,
                resident=resident,
                product=product,
                quantity=quantity,
                idempotency_key=request.POST.get("idempotency_key", ""),
            )
        except DomainError as exc:
            messages.error(request, str(exc.message))
            return redirect("ledger:order_place", pk=product.pk)
        messages.success(request, _("Done. Show this code to the merchant."))
        return redirect("ledger:my_order", pk=order.pk)
    balances = selectors.resident_balances(resident)
    balance = balances[Unit.POINTS]
    return render(
        request,
        "ledger/order_confirm.html",
        {
            "resident": resident,
            "product": product,
            "balance": balance,
            "fen_balance": balances[Unit.FEN],
            "balance_covers": 0 < product.price_fen <= balances[Unit.FEN],
            "after": balance - product.price_points,
            "missing": max(0, product.price_points - balance),
            "online": rules.can_order_online(product),
            "checkout_url": payment_hooks.checkout_url(product)
            if product.price_fen and payment_hooks.checkout_url
            else "",
            "key": uuid.uuid4().hex,
        },
    )


@login_required
def my_order(request: HttpRequest, pk: int) -> HttpResponse:
    """One order: its redemption code, large and whole, and as a QR code for the merchant to scan."""
    resident = _resident(request)
    order = selectors.order_of_resident(resident=resident, pk=pk)
    return render(
        request,
        "ledger/my_order.html",
        {"resident": resident, "o": order, "qr": qr_svg(order.code) if order.status == Order.Status.PAID else ""},
    )


@login_required
def my_orders(request: HttpRequest) -> HttpResponse:
    resident = _resident(request)
    page = Paginator(selectors.orders_of_resident(resident), 20).get_page(request.GET.get("page"))
    return render(request, "ledger/my_orders.html", {"resident": resident, "page": page})


@login_required
@require_POST
def order_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    resident = _resident(request)
    order = selectors.order_of_resident(resident=resident, pk=pk)
    return press(
        request,
        lambda _data: services.order_refund(actor=request.user, order=order, reason=_("Cancelled by the resident")),
        done=_("Order cancelled; your points are back."),
        back=reverse("ledger:my_orders"),
    )


@login_required
def merchant_home(request: HttpRequest, pk: int) -> HttpResponse:
    merchant = selectors.merchant_get(user=request.user, pk=pk)
    redeemed = None
    if request.method == "POST":
        try:
            redeemed = services.order_redeem(actor=request.user, merchant=merchant, code=request.POST.get("code", ""))
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request,
                _("Redeemed: %(product)s × %(n)s for %(resident)s.")
                % {"product": redeemed.product.name, "n": redeemed.quantity, "resident": redeemed.resident.name},
            )
            return redirect("ledger:merchant_home", pk=merchant.pk)
    status = request.GET.get("status", "")
    page = Paginator(selectors.merchant_orders(user=request.user, merchant=merchant, status=status), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "ledger/merchant.html",
        {
            "merchant": merchant,
            "page": page,
            "status": status,
            "statuses": Order.Status.choices,
            "can_sell": rules.can_sell(request.user, merchant),
            "can_settle": rules.can_manage_ledger(request.user, merchant.community),
            "unsettled": selectors.unsettled_points(merchant),
            "points": selectors.merchant_balance(merchant, Unit.POINTS),
            "fen": selectors.merchant_balance(merchant, Unit.FEN),
            "settlements": merchant.settlements.all()[:24],
            "products": merchant.products.all()[:50],
            "key": uuid.uuid4().hex,
        },
    )


@login_required
@require_POST
def merchant_settle(request: HttpRequest, pk: int) -> HttpResponse:
    merchant = selectors.merchant_get(user=request.user, pk=pk)
    return press(
        request,
        lambda _data: services.merchant_settle(
            actor=request.user, merchant=merchant, idempotency_key=request.POST.get("idempotency_key", "")
        ),
        done=lambda settlement: _("Settled %(points)s points.") % {"points": settlement.points},
        back=reverse("ledger:merchant_home", kwargs={"pk": merchant.pk}),
    )


@login_required
def settlement_xlsx(request: HttpRequest, pk: int, sid: int) -> HttpResponse:
    merchant = selectors.merchant_get(user=request.user, pk=pk)
    settlement = selectors.settlement_get(user=request.user, merchant=merchant, pk=sid)
    return file_response(
        exports.settlement_workbook(settlement), filename=f"settlement-{merchant.pk}-{settlement.pk}.xlsx"
    )


@login_required
def books(request: HttpRequest, code: str) -> HttpResponse:
    """The community's books for staff: pools and funding sources, earning rules, merchants, the year's report."""
    community = community_get(code=code, user=request.user)
    if not rules.can_view_ledger(request.user, community):
        raise NotAllowed(_("You may not see this community's books."))
    year = parse_year(request.GET.get("year"), default=timezone.localdate().year)
    can_manage = rules.can_manage_ledger(request.user, community)
    return render(
        request,
        "ledger/books.html",
        {
            "community": community,
            "accounts": selectors.community_accounts(user=request.user, community=community),
            "rules": selectors.earning_rules(community),
            "policy": selectors.ledger_settings(community),
            "report": selectors.community_report(user=request.user, community=community, year=year),
            "pending": selectors.pending_merchants(user=request.user, community=community) if can_manage else [],
            "merchants": selectors.approved_merchants(user=request.user, community=community)[:300],
            "can_manage": can_manage,
        },
    )


def _pending_merchant(request: HttpRequest, code: str, pk: int) -> Merchant:
    community = community_get(code=code, user=request.user)
    return selectors.pending_merchant_get(user=request.user, community=community, pk=pk)


_on_application = buttons_on(
    _pending_merchant,
    name="merchant",
    back=lambda code, pk: reverse("ledger:books", kwargs={"code": code}),
    forbidden_page=True,
)
merchant_approve = _on_application(services.merchant_decide, gettext_lazy("Decision recorded."), approve=True)
merchant_decline = _on_application(services.merchant_decide, gettext_lazy("Decision recorded."), approve=False)


# --- merchants: apply, products -------------------------------------------------------------------------------


@login_required
def merchant_apply(request: HttpRequest) -> HttpResponse:
    resident = resident_of_user(user=request.user)
    initial = {"community": resident.community.code} if resident else {}
    form = MerchantApplyForm(request.POST or None, initial=initial)
    return submit(
        request,
        form,
        lambda data: services.merchant_apply(actor=request.user, **data),
        done=_("Application sent. The community will review it."),
        then=lambda merchant: reverse("ledger:merchant_home", kwargs={"pk": merchant.pk}),
    ) or render(request, "ledger/merchant_apply.html", {"form": form})


@login_required
def merchant_products(request: HttpRequest, pk: int) -> HttpResponse:
    merchant = selectors.merchant_get(user=request.user, pk=pk)
    page = Paginator(selectors.merchant_products(user=request.user, merchant=merchant), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "ledger/merchant_products.html",
        {"merchant": merchant, "page": page, "can_sell": rules.can_sell(request.user, merchant)},
    )


@login_required
def product_edit(request: HttpRequest, pk: int, product_id: int | None = None) -> HttpResponse:
    """Add a product (no `product_id`) or change one: name, price, stock, on sale or not."""
    merchant = selectors.merchant_get(user=request.user, pk=pk)
    if not rules.can_sell(request.user, merchant):
        raise NotAllowed(_("Only an approved merchant's staff may list products."))
    product = None
    if product_id is not None:
        product = selectors.merchant_product_get(user=request.user, merchant=merchant, pk=product_id)
    initial = (
        {
            f: getattr(product, f)
            for f in ("name", "kind", "description", "price_points", "price_fen", "stock", "active")
        }
        if product
        else None
    )
    form = ProductForm(request.POST or None, initial=initial)
    return submit(
        request,
        form,
        lambda data: services.product_save(actor=request.user, merchant=merchant, product=product, **data),
        done=_("Product saved."),
        then=reverse("ledger:merchant_products", kwargs={"pk": merchant.pk}),
    ) or render(request, "ledger/product_form.html", {"merchant": merchant, "product": product, "form": form})


# --- staff: earning rules and the points policy ---------------------------------------------------------------


def _books_url(community: Community) -> str:
    return reverse("ledger:books", kwargs={"code": community.code})


def _managed(request: HttpRequest, code: str) -> Any:
    community = community_get(code=code, user=request.user)
    if not rules.can_manage_ledger(request.user, community):
        raise NotAllowed(_("You may not change this community's earning rules or points policy."))
    return community


@login_required
def earning_rule_new(request: HttpRequest, code: str) -> HttpResponse:
    community = _managed(request, code)
    form = NewEarningRuleForm(request.POST or None)
    return submit(
        request,
        form,
        lambda data: services.earning_rule_create(actor=request.user, community=community, **data),
        done=lambda rule: _("The earning rule “%(name)s” is added.") % {"name": rule.label},
        then=_books_url(community),
    ) or render(request, "ledger/rule_form.html", {"community": community, "rule": None, "form": form})


@login_required
def earning_rule_edit(request: HttpRequest, code: str, rule_code: str) -> HttpResponse:
    community = _managed(request, code)
    rule = selectors.earning_rule_find(community, rule_code)
    if rule is None:
        raise NotFound(_("There is no earning rule “%(code)s” in this community.") % {"code": rule_code})
    fields = ("name", "points", "daily_cap", "monthly_cap", "yearly_cap", "funding_code", "enabled")
    form = EarningRuleForm(request.POST or None, initial={f: getattr(rule, f) for f in fields})
    return submit(
        request,
        form,
        lambda data: services.earning_rule_update(
            actor=request.user, rule=rule, **{**data, "name": data["name"].strip()}
        ),
        done=_("Earning rule saved."),
        then=_books_url(community),
    ) or render(request, "ledger/rule_form.html", {"community": community, "rule": rule, "form": form})


@login_required
def policy_edit(request: HttpRequest, code: str) -> HttpResponse:
    community = _managed(request, code)
    policy = selectors.ledger_settings(community)
    fields = ("fen_per_point", "expiry_enabled", "expiry_years", "expiry_notice_days")
    form = PolicyForm(request.POST or None, initial={f: getattr(policy, f) for f in fields})
    return submit(
        request,
        form,
        lambda data: services.ledger_settings_update(actor=request.user, community=community, **data),
        done=_("Points policy saved."),
        then=_books_url(community),
    ) or render(request, "ledger/policy_form.html", {"community": community, "form": form})
