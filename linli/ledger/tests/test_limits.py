"""Numbers too large for their columns (2³¹ and up, where PostgreSQL's integer ends) are refused with a clear
message in the user's language, on the field, and nothing is saved: product prices and stock, earning rules'
caps, the points policy, order quantities and the ids a request names. (On PostgreSQL they were a 500.)"""

from typing import Any

import pytest
from django.urls import reverse

from linli.conftest import client_for
from linli.ledger import services
from linli.ledger.models import EarningRule, LedgerSettings, Merchant, Order, Product

from .conftest import fund

pytestmark = pytest.mark.django_db
JSON = "application/json"
BOOKS = "/api/v1/communities/shibei/ledger"
HUGE = [2**31, 2**31 - 1 + 10**6, 2**63, 10**30]


@pytest.fixture(autouse=True)
def _books_opened(community: Any) -> None:
    """The community's earning rules and policy exist (they are made on first use)."""
    services.earning_rules_seed(community)
    services.ledger_settings_open(community)


def saved() -> tuple[Any, ...]:
    return (
        tuple(Product.objects.order_by("pk").values_list("name", "price_points", "price_fen", "stock")),
        tuple(EarningRule.objects.order_by("pk").values_list("points", "daily_cap", "yearly_cap")),
        tuple(LedgerSettings.objects.order_by("pk").values_list("fen_per_point", "expiry_years", "expiry_notice_days")),
        Order.objects.count(),
    )


@pytest.mark.parametrize("value", HUGE)
@pytest.mark.parametrize("field", ["price_points", "price_fen", "stock"])
def test_api_product_numbers(merchant: Merchant, merchant_user: Any, product: Product, field: str, value: int) -> None:
    c = client_for(merchant_user, "en")
    before = saved()
    base = {"name": "土鸡蛋", "price_points": 5, "stock": 1}
    r = c.post(f"/api/v1/ledger/merchants/{merchant.pk}/products", {**base, field: value}, JSON)
    assert r.status_code == 400, r.content
    assert r.json()["error"]["fields"][field] and "at most" in r.json()["error"]["message"]
    r = client_for(merchant_user).patch(
        f"/api/v1/ledger/merchants/{merchant.pk}/products/{product.pk}", {field: value}, JSON
    )
    assert r.status_code == 400 and "不大于" in r.json()["error"]["fields"][field][0], r.content
    assert saved() == before


def test_api_product_at_the_limits_is_saved(merchant: Merchant, merchant_user: Any) -> None:
    r = client_for(merchant_user, "en").post(
        f"/api/v1/ledger/merchants/{merchant.pk}/products",
        {"name": "金条", "price_points": 1_000_000, "price_fen": 10_000_000, "stock": 1_000_000},
        JSON,
    )
    assert r.status_code == 201, r.content


@pytest.mark.parametrize("value", HUGE)
@pytest.mark.parametrize("field", ["points", "daily_cap", "yearly_cap"])
def test_api_earning_rule_numbers(users: dict[str, Any], field: str, value: int) -> None:
    before = saved()
    r = client_for(users["community_admin"], "en").patch(f"{BOOKS}/rules/waste_sorting", {field: value}, JSON)
    assert r.status_code == 400 and r.json()["error"]["fields"][field], r.content
    assert "too large" in r.json()["error"]["message"]
    assert saved() == before


@pytest.mark.parametrize("field", ["fen_per_point", "expiry_years", "expiry_notice_days"])
def test_api_policy_numbers(users: dict[str, Any], field: str) -> None:
    before = saved()
    r = client_for(users["community_admin"]).patch(f"{BOOKS}/settings", {field: 2**31}, JSON)
    assert r.status_code == 400 and r.json()["error"]["fields"][field], r.content
    assert saved() == before


@pytest.mark.parametrize("body", [{"quantity": 2**31}, {"quantity": 100}, {"product_id": 2**63}])
def test_api_order_numbers(shopper: Any, product: Product, body: dict[str, int]) -> None:
    fund(shopper, 50)
    before = saved()
    r = client_for(shopper.user, "en").post(
        "/api/v1/ledger/orders", {"product_id": product.pk, "idempotency_key": "big", **body}, JSON
    )
    assert r.status_code in (400, 422) and next(iter(body)) in r.json()["error"]["fields"], r.content
    assert saved() == before


def test_an_order_of_a_product_priced_beyond_the_limit_is_refused(shopper: Any, product: Product) -> None:
    """A price set before the limits (or straight in the admin) cannot make an order overflow its column."""
    fund(shopper, 50)
    Product.objects.filter(pk=product.pk).update(price_points=2**31 - 1)
    r = client_for(shopper.user, "en").post(
        "/api/v1/ledger/orders", {"product_id": product.pk, "quantity": 2, "idempotency_key": "k"}, JSON
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "order_too_large", r.content
    assert not Order.objects.exists()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("field", ["price_points", "price_fen", "stock"])
def test_product_page_numbers(
    merchant: Merchant, merchant_user: Any, product: Product, field: str, language: str
) -> None:
    c = client_for(merchant_user, language)
    before = saved()
    body = {"name": "土鸡蛋", "kind": "goods", "price_points": 5, "price_fen": 0, "stock": 1, field: 2**31}
    for url in (
        reverse("ledger:product_add", args=[merchant.pk]),
        reverse("ledger:product_edit", args=[merchant.pk, product.pk]),
    ):
        r = c.post(url, body)
        text = r.content.decode()
        assert r.status_code == 200 and "has-error" in text, url
        assert ("less than or equal to" if language == "en" else "小于或等于") in text
    assert saved() == before


@pytest.mark.parametrize("field", ["points", "daily_cap", "yearly_cap"])
def test_earning_rule_page_numbers(users: dict[str, Any], community: Any, field: str) -> None:
    c = client_for(users["community_admin"], "en")
    before = saved()
    body = {"name": "", "points": 1, "daily_cap": "", "yearly_cap": "", "funding_code": "community_fund", field: 2**31}
    r = c.post(reverse("ledger:rule_edit", args=[community.code, "waste_sorting"]), body)
    assert r.status_code == 200 and "has-error" in r.content.decode()
    assert saved() == before


@pytest.mark.parametrize("field", ["fen_per_point", "expiry_years", "expiry_notice_days"])
def test_policy_page_numbers(users: dict[str, Any], community: Any, field: str) -> None:
    c = client_for(users["community_admin"])
    before = saved()
    body = {"fen_per_point": 10, "expiry_enabled": "on", "expiry_years": 1, "expiry_notice_days": 30, field: 2**31}
    r = c.post(reverse("ledger:policy_edit", args=[community.code]), body)
    assert r.status_code == 200 and "has-error" in r.content.decode()
    assert saved() == before


@pytest.mark.parametrize("big", [2**31, 2**63, 10**30])
def test_ids_beyond_the_columns_are_not_found(
    shopper: Any, merchant: Merchant, merchant_user: Any, users: dict[str, Any], big: int
) -> None:
    """Ids in paths and bodies past what an id column holds: 400, 404 or 422, never a 500."""
    for user, method, url, body in [
        (shopper.user, "get", f"/api/v1/ledger/orders/{big}", None),
        (shopper.user, "post", f"/api/v1/ledger/orders/{big}/cancel", None),
        (merchant_user, "get", f"/api/v1/ledger/merchants/{big}", None),
        (merchant_user, "patch", f"/api/v1/ledger/merchants/{merchant.pk}/products/{big}", {"stock": 1}),
        (merchant_user, "post", f"/api/v1/ledger/merchants/{merchant.pk}/orders/{big}/refund", {"reason": "x"}),
        (users["community_admin"], "post", f"{BOOKS}/transactions/{big}/reverse", {"reason": "x"}),
        (users["community_admin"], "post", f"{BOOKS}/merchants/{big}/decide", {"approve": True}),
        (users["community_admin"], "post", f"{BOOKS}/deposits", {"account_id": big, "amount_fen": 1, "memo": "x"}),
        (users["community_admin"], "get", f"{BOOKS}/report?year={big}", None),
    ]:
        c = client_for(user, "en")
        r = getattr(c, method)(url, body, JSON) if body is not None else getattr(c, method)(url)
        assert r.status_code in (400, 404, 422), (url, r.status_code, r.content)
    for url in (
        reverse("ledger:merchant_home", args=[big]),
        reverse("ledger:merchant_products", args=[big]),
        reverse("ledger:product_edit", args=[merchant.pk, big]),
    ):
        assert client_for(merchant_user).get(url).status_code == 404, url
    assert client_for(shopper.user).post(reverse("ledger:order_cancel", args=[big])).status_code == 404
