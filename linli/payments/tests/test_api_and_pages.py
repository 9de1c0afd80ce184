from typing import Any

import pytest
from django.utils import timezone

from linli.conftest import client_for
from linli.ledger.models import Order
from linli.payments.models import Payment
from linli.payments.providers.simulated import SimulatedGateway

from .conftest import fund, notification, start

pytestmark = pytest.mark.django_db


def test_the_api_prepays_with_the_servers_amount_and_follows_the_payment(
    shopper: Any, yuan_product: Any, client: Any
) -> None:
    fund(shopper, 100)
    api = client_for(shopper.user)
    r = api.post(
        "/api/v1/payments",
        {"product_id": yuan_product.pk, "quantity": 2, "amount_fen": 1},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["amount_fen"] == 1000 and body["status"] == "created" and body["code_url"]
    no = body["out_trade_no"]
    SimulatedGateway().payer_confirm(out_trade_no=no)  # the notification is lost: the app asks the gateway
    r = api.post(f"/api/v1/payments/{no}/check")
    assert r.status_code == 200 and r.json()["status"] == "paid" and r.json()["order_id"]
    r = api.post(f"/api/v1/payments/{no}/cancel")
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_paid"
    # someone else sees nothing
    other = client_for(None)
    assert other.get(f"/api/v1/payments/{no}").status_code in (401, 403)


def test_the_api_notify_url_refuses_a_forgery(shopper: Any, yuan_product: Any, client: Any) -> None:
    payment = start(shopper, yuan_product)
    body, headers = notification(payment)
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    forged = body.replace(b'"total": 500', b'"total": 5')
    r = client.post("/api/v1/payments/notify/simulated", forged, content_type="application/json", **extra)
    assert r.status_code == 400
    r = client.post("/api/v1/payments/notify/simulated", body, content_type="application/json", **extra)
    assert r.status_code == 200 and r.json()["code"] == "SUCCESS"
    assert Order.objects.filter(resident=shopper).count() == 1


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("operator", True),
        ("community_admin", True),
        ("resident", False),
        ("merchant_staff", False),
        ("anonymous", False),
    ],
)
def test_who_takes_money_at_the_counter(
    role: str, allowed: bool, role_client: Any, shopper: Any, yuan_product: Any, community: Any
) -> None:
    fund(shopper, 10)
    shopper.mobile = "13900001234"
    shopper.save()
    r = role_client(role).post(
        f"/api/v1/communities/{community.code}/payments/counter",
        {"resident": "13900001234", "product_id": yuan_product.pk, "method": "cash"},
        content_type="application/json",
    )
    if allowed:
        assert r.status_code == 201, r.content
        assert r.json()["receipt_no"] and r.json()["status"] == "paid"
    else:
        assert r.status_code in (401, 403, 404)
        assert not Payment.objects.exists()


def test_counter_page_takes_cash_shows_the_receipt_and_the_cashup(
    role_client: Any, users: dict[str, Any], shopper: Any, yuan_product: Any, community: Any
) -> None:
    fund(shopper, 10)
    client = role_client("operator")
    page = client.get(f"/payments/c/{community.code}/counter/")
    assert page.status_code == 200 and "服务台" in page.content.decode()
    assert "手工豆腐 · ¥5.00 + 5 积分" in page.content.decode()
    english = role_client("operator", "en").get(f"/payments/c/{community.code}/counter/").content.decode()
    assert "¥5.00 + 5 points" in english and "积分" not in english  # the product's price in the reader's words
    bad = client.post(
        f"/payments/c/{community.code}/counter/",
        {"resident": "无此人", "product": yuan_product.pk, "quantity": 1, "method": "cash"},
    )
    assert bad.status_code == 200 and "没有" in bad.content.decode() and not Payment.objects.exists()
    r = client.post(
        f"/payments/c/{community.code}/counter/",
        {"resident": shopper.name, "product": yuan_product.pk, "quantity": 1, "method": "cash"},
    )
    payment = Payment.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/payments/p/{payment.out_trade_no}/"
    receipt = client.get(r["Location"]).content.decode()
    assert payment.receipt_no in receipt and "现金" in receipt
    cashup = client.get(f"/payments/c/{community.code}/cashup/").content.decode()
    assert "¥5.00" in cashup and payment.receipt_no in cashup
    # a resident may not open the counter
    assert role_client("resident").get(f"/payments/c/{community.code}/counter/").status_code == 403


def test_reconcile_page_imports_the_gateways_statement(
    role_client: Any, shopper: Any, yuan_product: Any, community: Any
) -> None:
    payment = start(shopper, yuan_product)
    SimulatedGateway().payer_confirm(out_trade_no=payment.out_trade_no)
    client = role_client("community_admin")
    from linli.payments import services

    services.payment_check(actor=shopper.user, payment=payment)
    day = timezone.localdate()
    csv = client.get(f"/payments/c/{community.code}/statement.csv?provider=simulated&date={day}")
    assert csv.status_code == 200 and payment.out_trade_no.encode() in csv.content
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = client.post(
        f"/payments/c/{community.code}/reconcile/",
        {"provider": "simulated", "day": day.isoformat(), "file": SimpleUploadedFile("s.csv", csv.content)},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    detail = client.get(r["Location"]).content.decode()
    assert "全部相符" in detail
    assert role_client("resident").get(f"/payments/c/{community.code}/reconcile/").status_code == 404


def test_the_order_page_offers_to_pay_the_yuan_part_and_the_qr_page_shows(
    shopper: Any, yuan_product: Any, django_capture_on_commit_callbacks: Any
) -> None:
    fund(shopper, 10)
    client = client_for(shopper.user)
    page = client.get(f"/ledger/shop/{yuan_product.pk}/order/").content.decode()
    assert f"/payments/checkout/{yuan_product.pk}/" in page
    r = client.post(f"/payments/checkout/{yuan_product.pk}/", {"quantity": "1"})
    payment = Payment.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/payments/p/{payment.out_trade_no}/"
    qr = client.get(r["Location"]).content.decode()
    assert "<svg" in qr and "¥5.00" in qr
    with django_capture_on_commit_callbacks(execute=True):
        wallet = client.post(f"/payments/gateway/pay/{payment.out_trade_no}/")
    assert wallet.status_code == 302
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID  # the notification came (tasks run at once in tests)
