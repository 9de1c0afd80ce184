"""The ledger API: who may call what, idempotent orders, whole amounts, refusals that move nothing, both languages."""

from typing import Any

import pytest

from linli.accounts.models import Role, RoleAssignment
from linli.audit.models import AuditEntry
from linli.conftest import client_for, make_resident
from linli.ledger import services
from linli.ledger.models import (
    Account,
    EarningRule,
    Entry,
    LedgerSettings,
    Merchant,
    Order,
    Product,
    Transaction,
    Unit,
)

from .conftest import fund, key

pytestmark = pytest.mark.django_db
BOOKS = "/api/v1/communities/shibei/ledger"
JSON = "application/json"


def state() -> tuple[Any, ...]:
    """Everything a refusal must leave alone."""
    return (
        Transaction.objects.count(),
        Entry.objects.count(),
        tuple(Account.objects.order_by("pk").values_list("pk", "balance")),
        Order.objects.count(),
        tuple(Product.objects.order_by("pk").values_list("pk", "stock", "price_points", "active")),
        tuple(EarningRule.objects.order_by("pk").values_list("points", "daily_cap", "enabled", "funding_code")),
        tuple(LedgerSettings.objects.order_by("pk").values_list("fen_per_point", "expiry_years")),
        tuple(Merchant.objects.order_by("pk").values_list("status")),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def cast(
    users: dict[str, Any], merchant: Merchant, merchant_user: Any, make_user: Any, other_community: Any
) -> dict[str, Any]:
    """Every role of the matrix: the community's roles, this merchant's staff and another merchant's."""
    other_staff = make_user(Role.MERCHANT_STAFF, other_community)
    theirs = Merchant.objects.create(
        community=other_community,
        name="利民小店",
        status=Merchant.Status.APPROVED,
        applied_at="2026-01-01T00:00:00+08:00",
    )
    theirs.staff.add(other_staff)
    return {**users, "merchant": merchant_user, "other_merchant": other_staff}


# What each role gets from the community's books (reading, changing) and from a merchant's own pages (reading:
# its staff, and the community's staff and street who keep the books; selling at its counter).
# fmt: off
MATRIX = {  #        books read, write; merchant read, sell
    "resident":        (403, 403, 404, 404),
    "merchant":        (403, 403, 200, 201),
    "other_merchant":  (404, 404, 404, 404),
    "grid_steward":    (200, 403, 200, 403),
    "social_worker":   (200, 200, 200, 403),
    "community_admin": (200, 200, 200, 403),
    "street_admin":    (200, 403, 200, 403),
    "city_viewer":     (403, 403, 404, 404),
    "outsider":        (404, 404, 404, 404),
}
# fmt: on
BOOKS_READ, BOOKS_WRITE, MERCHANT_READ, MERCHANT_SELL = (
    [(role, statuses[column]) for role, statuses in MATRIX.items()] for column in range(4)
)


# --- residents ------------------------------------------------------------------------------------------------


def test_balance_statement_with_running_balance_and_expiring(shopper: Any, product: Product) -> None:
    fund(shopper, 30)
    services.order_place(actor=shopper.user, resident=shopper, product=product, idempotency_key="o1")
    c = client_for(shopper.user, "en")
    me = c.get("/api/v1/ledger/me").json()
    assert me["balances"] == {"points": 20, "fen": 0} and me["community"] == "shibei"
    assert me["expiring"]["enabled"] is True and me["expiring"]["points"] == 0
    statement = c.get("/api/v1/ledger/me/statement?limit=1").json()
    assert statement["count"] == 2 and statement["balance"] == 20
    assert [(i["amount"], i["balance_after"], i["kind"]) for i in statement["items"]] == [(-10, 20, "order")]
    second = c.get("/api/v1/ledger/me/statement?limit=1&offset=1").json()["items"]
    assert [(i["amount"], i["balance_after"]) for i in second] == [(30, 30)]
    assert statement["items"][0]["reason"] == "Bought: 青菜一把 × 1 at 小北鲜市"
    assert second[0]["reason"] == "Volunteer hour"
    assert c.get("/api/v1/ledger/me/expiring").json()["year"] == me["expiring"]["year"]
    r = c.get("/api/v1/ledger/me/statement?unit=gold")
    assert r.status_code == 400 and r.json()["error"]["fields"] == {"unit": ["Unknown unit “gold”."]}


def test_a_user_without_a_resident_has_no_balance(users: dict[str, Any]) -> None:
    r = client_for(users["resident"], "en").get("/api/v1/ledger/me")
    assert r.status_code == 404 and r.json()["error"]["code"] == "no_resident"
    assert client_for(None).get("/api/v1/ledger/me").status_code == 401


def test_shop_shows_own_community_and_open_common_prosperity_merchants(
    shopper: Any, product: Product, merchant: Merchant, other_community: Any, make_user: Any
) -> None:
    closed = Merchant.objects.create(
        community=other_community, name="利民面馆", status=Merchant.Status.APPROVED, applied_at="2026-01-01T00:00Z"
    )
    Product.objects.create(merchant=closed, community=other_community, name="拉面", price_points=5, stock=5)
    open_ = Merchant.objects.create(
        community=other_community,
        name="共富农场",
        kind=Merchant.Kind.COMMON_PROSPERITY,
        status=Merchant.Status.APPROVED,
        open_to_all_communities=True,
        applied_at="2026-01-01T00:00Z",
    )
    Product.objects.create(merchant=open_, community=other_community, name="高山茶", price_points=5, stock=5)
    pending = Merchant.objects.create(community=shopper.community, name="未批准", applied_at="2026-01-01T00:00Z")
    Product.objects.create(merchant=pending, community=shopper.community, name="未上架", price_points=5, stock=5)
    names = {p["name"] for p in client_for(shopper.user).get("/api/v1/ledger/shop").json()}
    assert names == {"青菜一把", "高山茶"}
    # their resident sees their own shop and the open ones
    theirs = make_resident(other_community, name="王五", seq=8, user=make_user(Role.RESIDENT, other_community))
    names = {p["name"] for p in client_for(theirs.user).get("/api/v1/ledger/shop").json()}
    assert names == {"拉面", "高山茶", "青菜一把"}
    # a common-prosperity product of another community can be ordered; a closed one cannot
    fund(theirs, 20)
    c = client_for(theirs.user, "en")
    tea = Product.objects.get(name="高山茶")
    assert c.post("/api/v1/ledger/orders", {"product_id": tea.pk, "idempotency_key": "t"}, JSON).status_code == 201
    noodles = Product.objects.get(name="拉面")
    r = client_for(shopper.user, "en").post(
        "/api/v1/ledger/orders", {"product_id": noodles.pk, "idempotency_key": "n"}, JSON
    )
    assert r.status_code == 404 and r.json()["error"]["fields"] == {
        "product_id": ["This product is not on sale to you."]
    }


def test_order_retry_by_header_returns_the_first_order_and_moves_nothing(shopper: Any, product: Product) -> None:
    fund(shopper, 30)
    c = client_for(shopper.user)
    first = c.post("/api/v1/ledger/orders", {"product_id": product.pk}, JSON, HTTP_IDEMPOTENCY_KEY="buy-1")
    assert first.status_code == 201, first.content
    before = state()
    again = c.post("/api/v1/ledger/orders", {"product_id": product.pk}, JSON, HTTP_IDEMPOTENCY_KEY="buy-1")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert again.json()["code"] == first.json()["code"]
    # the same key in the body is the same order
    body = c.post("/api/v1/ledger/orders", {"product_id": product.pk, "idempotency_key": "buy-1"}, JSON)
    assert body.status_code == 200 and body.json()["id"] == first.json()["id"]
    assert state() == before
    assert services.resident_account(shopper).balance == 20 and Order.objects.count() == 1


def test_a_retry_of_the_order_that_bought_the_last_one_still_returns_it(shopper: Any, product: Product) -> None:
    fund(shopper, 30)
    Product.objects.filter(pk=product.pk).update(stock=1)
    c = client_for(shopper.user)
    first = c.post("/api/v1/ledger/orders", {"product_id": product.pk, "idempotency_key": "last"}, JSON)
    assert first.status_code == 201
    again = c.post("/api/v1/ledger/orders", {"product_id": product.pk, "idempotency_key": "last"}, JSON)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    other = c.post("/api/v1/ledger/orders", {"product_id": product.pk, "idempotency_key": "next"}, JSON)
    assert other.status_code == 409 and other.json()["error"]["code"] == "out_of_stock"


def test_two_residents_may_use_the_same_key(shopper: Any, product: Product, make_user: Any, community: Any) -> None:
    neighbour = make_resident(community, name="李四", seq=9, user=make_user(Role.RESIDENT, community))
    fund(shopper, 30)
    fund(neighbour, 30)
    a = client_for(shopper.user).post(
        "/api/v1/ledger/orders", {"product_id": product.pk}, JSON, HTTP_IDEMPOTENCY_KEY="1"
    )
    b = client_for(neighbour.user).post(
        "/api/v1/ledger/orders", {"product_id": product.pk}, JSON, HTTP_IDEMPOTENCY_KEY="1"
    )
    assert a.status_code == b.status_code == 201 and a.json()["id"] != b.json()["id"]


@pytest.mark.parametrize(
    ("body", "headers", "status", "field", "en", "zh"),
    [
        ({"quantity": 1.5}, {}, 422, "quantity", "Enter a whole number.", "请输入整数。"),
        ({"quantity": "2"}, {}, 422, "quantity", "Enter a whole number.", "请输入整数。"),
        ({"quantity": True}, {}, 422, "quantity", "Enter a whole number.", "请输入整数。"),
        ({"quantity": 0}, {}, 400, "quantity", "The amount must be greater than zero.", "数额必须大于零。"),
        ({"quantity": -3}, {}, 400, "quantity", "The amount must be greater than zero.", "数额必须大于零。"),
        ({"product_id": 999999}, {}, 404, "product_id", "This product is not on sale to you.", None),
        ({"idempotency_key": ""}, {}, 400, "idempotency_key", "An idempotency key is required", "幂等"),
        ({"idempotency_key": "a"}, {"HTTP_IDEMPOTENCY_KEY": "b"}, 400, "idempotency_key", "differ", None),
        ({"idempotency_key": "x" * 81}, {}, 422, "idempotency_key", "at most 80", None),
    ],
)
def test_bad_orders_name_the_field_and_move_nothing(
    shopper: Any,
    product: Product,
    body: dict[str, Any],
    headers: dict[str, str],
    status: int,
    field: str,
    en: str,
    zh: Any,
) -> None:
    fund(shopper, 30)
    before = state()
    payload = {"product_id": product.pk, "idempotency_key": "k", **body}
    for language, text in (("en", en), ("zh-hans", zh)):
        r = client_for(shopper.user, language).post("/api/v1/ledger/orders", payload, JSON, **headers)
        assert r.status_code == status, r.content
        error = r.json()["error"]
        assert field in error["fields"], error
        if text:
            assert text in error["message"], error
    assert state() == before


def test_not_enough_points_is_refused_in_both_languages(shopper: Any, product: Product) -> None:
    before = state()
    for language, text in (("en", "Not enough"), ("zh-hans", "不足")):
        r = client_for(shopper.user, language).post(
            "/api/v1/ledger/orders", {"product_id": product.pk, "idempotency_key": language}, JSON
        )
        assert r.status_code == 409 and text in r.json()["error"]["message"]
    assert state() == before


def test_same_key_for_another_order_is_a_conflict(shopper: Any, product: Product) -> None:
    fund(shopper, 30)
    c = client_for(shopper.user, "en")
    assert c.post("/api/v1/ledger/orders", {"product_id": product.pk, "idempotency_key": "z"}, JSON).status_code == 201
    before = state()
    r = c.post("/api/v1/ledger/orders", {"product_id": product.pk, "quantity": 2, "idempotency_key": "z"}, JSON)
    assert r.status_code == 409 and r.json()["error"]["code"] == "idempotency_key_reused"
    assert state() == before


def test_my_orders_and_cancel_before_redemption_only(
    shopper: Any, product: Product, merchant: Merchant, merchant_user: Any, make_user: Any, community: Any
) -> None:
    fund(shopper, 50)
    c = client_for(shopper.user, "en")
    one = c.post("/api/v1/ledger/orders", {"product_id": product.pk, "idempotency_key": "1"}, JSON).json()
    two = c.post("/api/v1/ledger/orders", {"product_id": product.pk, "idempotency_key": "2"}, JSON).json()
    assert [o["id"] for o in c.get("/api/v1/ledger/orders").json()] == [two["id"], one["id"]]
    assert c.get(f"/api/v1/ledger/orders/{one['id']}").json()["can_cancel"] is True
    # another resident can neither see nor cancel it
    neighbour = make_resident(community, name="李四", seq=9, user=make_user(Role.RESIDENT, community))
    assert client_for(neighbour.user).get(f"/api/v1/ledger/orders/{one['id']}").status_code == 404
    assert client_for(neighbour.user).post(f"/api/v1/ledger/orders/{one['id']}/cancel").status_code == 404
    r = c.post(f"/api/v1/ledger/orders/{one['id']}/cancel")
    assert r.status_code == 200 and r.json()["status"] == "refunded"
    assert services.resident_account(shopper).balance == 40
    # once redeemed, the resident may no longer cancel
    services.order_redeem(actor=merchant_user, merchant=merchant, code=two["code"])
    assert c.get(f"/api/v1/ledger/orders/{two['id']}").json()["can_cancel"] is False
    before = state()
    r = c.post(f"/api/v1/ledger/orders/{two['id']}/cancel")
    assert r.status_code == 403 and r.json()["error"]["message"] == "You may not refund this order."
    assert state() == before
    assert c.get("/api/v1/ledger/orders?status=refunded").json()[0]["id"] == one["id"]


# --- merchants ------------------------------------------------------------------------------------------------


def test_apply_and_be_approved_through_the_api(users: dict[str, Any], make_user: Any, community: Any) -> None:
    applicant = make_user(Role.RESIDENT, community)
    c = client_for(applicant, "en")
    r = c.post("/api/v1/ledger/merchants", {"community": "shibei", "name": "街角咖啡", "kind": "shop"}, JSON)
    assert r.status_code == 201 and r.json()["status"] == "pending"
    merchant_id = r.json()["id"]
    assert [m["name"] for m in c.get("/api/v1/ledger/merchants").json()] == ["街角咖啡"]
    r = c.post("/api/v1/ledger/merchants", {"community": "shibei", "name": "街角咖啡"}, JSON)
    assert r.status_code == 400 and "name" in r.json()["error"]["fields"]
    r = c.post("/api/v1/ledger/merchants", {"community": "nowhere", "name": "x"}, JSON)
    assert r.status_code == 404 and "community" in r.json()["error"]["fields"]
    r = c.post("/api/v1/ledger/merchants", {"community": "shibei", "name": "y", "contact_mobile": "123"}, JSON)
    assert r.status_code == 422 and "contact_mobile" in r.json()["error"]["fields"]
    r = c.post("/api/v1/ledger/merchants", {"community": "shibei", "name": "y", "kind": "bank"}, JSON)
    assert r.status_code == 400 and "kind" in r.json()["error"]["fields"]
    # a pending merchant cannot list products yet
    r = c.post(f"/api/v1/ledger/merchants/{merchant_id}/products", {"name": "拿铁", "price_points": 20}, JSON)
    assert r.status_code == 403
    decided = client_for(users["social_worker"]).post(
        f"{BOOKS}/merchants/{merchant_id}/decide", {"approve": True, "settles_with": "economic_cooperative"}, JSON
    )
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    assert RoleAssignment.objects.filter(user=applicant, role=Role.MERCHANT_STAFF, community=community).exists()
    r = client_for(users["social_worker"], "en").post(
        f"{BOOKS}/merchants/{merchant_id}/decide", {"approve": False}, JSON
    )
    assert r.status_code == 409
    r = c.post(f"/api/v1/ledger/merchants/{merchant_id}/products", {"name": "拿铁", "price_points": 20}, JSON)
    assert r.status_code == 201


@pytest.mark.parametrize(("role", "status"), MERCHANT_READ)
def test_merchant_pages_matrix(
    cast: dict[str, Any], merchant: Merchant, product: Product, role: str, status: int
) -> None:
    c = client_for(cast[role])
    for path in ("", "/products", "/orders", "/settlements"):
        assert c.get(f"/api/v1/ledger/merchants/{merchant.pk}{path}").status_code == status, path


@pytest.mark.parametrize(("role", "status"), MERCHANT_SELL)
def test_listing_a_product_matrix(cast: dict[str, Any], merchant: Merchant, role: str, status: int) -> None:
    before = state()
    r = client_for(cast[role]).post(
        f"/api/v1/ledger/merchants/{merchant.pk}/products", {"name": "鸡蛋", "price_points": 15, "stock": 10}, JSON
    )
    assert r.status_code == status, r.content
    if status != 201:
        assert state() == before
    else:
        assert Product.objects.get(name="鸡蛋").merchant == merchant


def test_products_update_and_bad_prices(merchant: Merchant, merchant_user: Any, product: Product) -> None:
    c = client_for(merchant_user, "en")
    url = f"/api/v1/ledger/merchants/{merchant.pk}/products/{product.pk}"
    r = c.patch(url, {"stock": 5, "price_points": 12, "active": False}, JSON)
    assert r.status_code == 200 and (r.json()["stock"], r.json()["price_points"], r.json()["active"]) == (5, 12, False)
    assert AuditEntry.objects.filter(action="product.update").exists()
    before = state()
    for body, status, field in [
        ({"stock": -1}, 400, "stock"),
        ({"price_points": 1.5}, 422, "price_points"),
        ({"price_points": 0}, 400, "price_points"),
        ({"stock": None}, 400, "stock"),
        ({"kind": "gold"}, 400, "kind"),
    ]:
        r = c.patch(url, body, JSON)
        assert r.status_code == status and field in r.json()["error"]["fields"], (body, r.content)
    assert c.patch(f"/api/v1/ledger/merchants/{merchant.pk}/products/99999", {"stock": 1}, JSON).status_code == 404
    assert state() == before
    products = c.get(f"/api/v1/ledger/merchants/{merchant.pk}/products").json()
    assert [p["name"] for p in products] == ["青菜一把"]  # off-sale products still show to the merchant


@pytest.mark.parametrize(("role", "status"), MERCHANT_SELL)
def test_redeem_matrix(
    cast: dict[str, Any], shopper: Any, merchant: Merchant, product: Product, role: str, status: int
) -> None:
    fund(shopper, 30)
    order = services.order_place(actor=shopper.user, resident=shopper, product=product, idempotency_key="r")
    before = state()
    r = client_for(cast[role]).post(f"/api/v1/ledger/merchants/{merchant.pk}/redeem", {"code": order.code}, JSON)
    if status == 201:
        assert r.status_code == 200 and r.json()["status"] == "redeemed" and r.json()["code"] is None
        assert r.json()["resident"] == "周**"
    else:
        assert r.status_code == status
        assert state() == before


def test_redeem_twice_and_unknown_codes(shopper: Any, merchant: Merchant, merchant_user: Any, product: Product) -> None:
    fund(shopper, 30)
    order = services.order_place(actor=shopper.user, resident=shopper, product=product, idempotency_key="r")
    c = client_for(merchant_user, "en")
    url = f"/api/v1/ledger/merchants/{merchant.pk}/redeem"
    assert c.post(url, {"code": order.code}, JSON).status_code == 200
    before = state()
    r = c.post(url, {"code": order.code}, JSON)
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_redeemed"
    r = client_for(merchant_user, "zh-hans").post(url, {"code": "0000000000"}, JSON)
    assert r.status_code == 404 and r.json()["error"]["fields"]["code"] == ["本店没有这个核销码的订单。"]
    assert state() == before
    orders = c.get(f"/api/v1/ledger/merchants/{merchant.pk}/orders?status=redeemed").json()
    assert [o["id"] for o in orders] == [order.pk] and orders[0]["code"] is None


def test_merchant_refund_settlement_and_statement(
    users: dict[str, Any], shopper: Any, merchant: Merchant, merchant_user: Any, product: Product
) -> None:
    fund(shopper, 50)
    one = services.order_place(actor=shopper.user, resident=shopper, product=product, idempotency_key="a")
    two = services.order_place(actor=shopper.user, resident=shopper, product=product, idempotency_key="b")
    for o in (one, two):
        services.order_redeem(actor=merchant_user, merchant=merchant, code=o.code)
    seller = client_for(merchant_user, "en")
    r = seller.post(f"/api/v1/ledger/merchants/{merchant.pk}/orders/{two.pk}/refund", {"reason": "坏了"}, JSON)
    assert r.status_code == 200 and r.json()["status"] == "refunded"
    # the merchant cannot settle itself; a caseworker can, once per key
    before = state()
    r = seller.post(f"/api/v1/ledger/merchants/{merchant.pk}/settle", {"idempotency_key": "s"}, JSON)
    assert r.status_code == 403 and state() == before
    admin = client_for(users["community_admin"])
    settled = admin.post(f"/api/v1/ledger/merchants/{merchant.pk}/settle", {}, JSON, HTTP_IDEMPOTENCY_KEY="s")
    assert settled.status_code == 201 and settled.json()["points"] == 10 and settled.json()["fen"] == 100
    again = admin.post(f"/api/v1/ledger/merchants/{merchant.pk}/settle", {}, JSON, HTTP_IDEMPOTENCY_KEY="s")
    assert again.status_code == 200 and again.json()["id"] == settled.json()["id"]
    statement = seller.get(f"/api/v1/ledger/merchants/{merchant.pk}/settlements/{settled.json()['id']}").json()
    assert [(o["order_id"], o["points"]) for o in statement["orders"]] == [(one.pk, 10)]
    assert seller.get(f"/api/v1/ledger/merchants/{merchant.pk}/settlements").json()[0]["id"] == statement["id"]
    # a settled order can no longer be refunded
    before = state()
    r = seller.post(f"/api/v1/ledger/merchants/{merchant.pk}/orders/{one.pk}/refund", {}, JSON)
    assert r.status_code == 409 and state() == before
    assert seller.get(f"/api/v1/ledger/merchants/{merchant.pk}/settlements/99999").status_code == 404


# --- the community's books ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), BOOKS_READ)
def test_books_read_matrix(cast: dict[str, Any], role: str, status: int) -> None:
    c = client_for(cast[role])
    for path in ("rules", "settings", "accounts", "transactions", "merchants", "report"):
        assert c.get(f"{BOOKS}/{path}").status_code == status, path


@pytest.mark.parametrize(("role", "status"), BOOKS_WRITE)
def test_books_write_matrix(cast: dict[str, Any], shopper: Any, community: Any, role: str, status: int) -> None:
    fund(shopper, 10)
    earned = Transaction.objects.get(kind="earn")
    pending = Merchant.objects.create(community=community, name="待批", applied_at="2026-01-01T00:00Z")
    c = client_for(cast[role])
    calls = [
        ("patch", f"{BOOKS}/rules/volunteer_hour", {"points": 12}, 200),
        ("patch", f"{BOOKS}/settings", {"expiry_years": 2}, 200),
        ("post", f"{BOOKS}/deposits", {"funding_code": "community_fund", "amount_fen": 100, "memo": "拨款"}, 201),
        ("post", f"{BOOKS}/transactions/{earned.pk}/reverse", {"reason": "录错"}, 201),
        ("post", f"{BOOKS}/merchants/{pending.pk}/decide", {"approve": True}, 200),
    ]
    for method, url, body, ok in calls:
        before = state()
        r = getattr(c, method)(url, body, JSON, HTTP_IDEMPOTENCY_KEY=key())
        assert r.status_code == (ok if status == 200 else status), (url, r.content)
        if status != 200:
            assert state() == before, url
            assert set(r.json()["error"]) == {"code", "message", "fields"}


def test_rules_and_policy_changes_are_validated_and_audited(users: dict[str, Any], community: Any) -> None:
    c = client_for(users["community_admin"], "en")
    r = c.patch(
        f"{BOOKS}/rules/waste_sorting",
        {"points": 3, "daily_cap": None, "yearly_cap": 500, "funding_code": "community_company", "enabled": False},
        JSON,
    )
    assert r.status_code == 200, r.content
    rule = EarningRule.objects.get(community=community, code="waste_sorting")
    assert (rule.points, rule.daily_cap, rule.yearly_cap, rule.funding_code, rule.enabled) == (
        3,
        None,
        500,
        "community_company",
        False,
    )
    assert AuditEntry.objects.filter(action="earning_rule.update").count() == 1
    before = state()
    for body, status, field in [
        ({"points": 0}, 400, "points"),
        ({"points": 2.5}, 422, "points"),
        ({"points": None}, 400, "points"),
        ({"daily_cap": -1}, 400, "daily_cap"),
        ({"funding_code": "bank"}, 400, "funding_code"),
        ({"enabled": "yes"}, 422, "enabled"),
    ]:
        r = c.patch(f"{BOOKS}/rules/waste_sorting", body, JSON)
        assert r.status_code == status and field in r.json()["error"]["fields"], (body, r.content)
    assert c.patch(f"{BOOKS}/rules/nope", {"points": 1}, JSON).status_code == 404
    r = c.patch(f"{BOOKS}/settings", {"fen_per_point": 0}, JSON)
    assert r.status_code == 400 and r.json()["error"]["fields"]["fen_per_point"]
    r = client_for(users["community_admin"], "zh-hans").patch(f"{BOOKS}/settings", {"expiry_years": 1.5}, JSON)
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"expiry_years": ["请输入整数。"]}
    assert state() == before
    r = c.patch(f"{BOOKS}/settings", {"expiry_enabled": False, "expiry_notice_days": 14, "fen_per_point": 8}, JSON)
    assert r.json() == {"fen_per_point": 8, "expiry_enabled": False, "expiry_years": 1, "expiry_notice_days": 14}
    assert c.get(f"{BOOKS}/settings").json()["fen_per_point"] == 8


def test_deposits_take_whole_fen_into_this_communitys_funding_accounts(
    users: dict[str, Any], community: Any, other_community: Any
) -> None:
    c = client_for(users["social_worker"], "en")
    accounts = {(a["code"], a["unit"]): a for a in c.get(f"{BOOKS}/accounts").json()}
    fund_account = accounts[("community_fund", "fen")]
    assert fund_account["balance"] == 0
    r = c.post(
        f"{BOOKS}/deposits",
        {"account_id": fund_account["id"], "amount_fen": 50000, "memo": "街道拨款"},
        JSON,
        HTTP_IDEMPOTENCY_KEY="dep-1",
    )
    assert r.status_code == 201, r.content
    again = c.post(
        f"{BOOKS}/deposits",
        {"account_id": fund_account["id"], "amount_fen": 50000, "memo": "街道拨款"},
        JSON,
        HTTP_IDEMPOTENCY_KEY="dep-1",
    )
    assert again.status_code == 200 and again.json()["id"] == r.json()["id"]
    assert Account.objects.get(pk=fund_account["id"]).balance == 50000
    theirs = services.funding_account(other_community, "community_fund", Unit.FEN)
    pool = services.pool_account(community, Unit.POINTS)
    before = state()
    cases = [
        ({"amount_fen": 10.5}, 422, "amount_fen", "Enter a whole number.", "请输入整数。"),
        ({"amount_fen": "100"}, 422, "amount_fen", "Enter a whole number.", "请输入整数。"),
        ({"amount_fen": 0}, 400, "amount_fen", "The amount must be greater than zero.", "数额必须大于零。"),
        ({"amount_fen": -5}, 400, "amount_fen", "The amount must be greater than zero.", "数额必须大于零。"),
        ({"account_id": 999999}, 404, "account_id", "No such account.", "没有这个账户。"),
        (
            {"account_id": theirs.pk},
            404,
            "account_id",
            "This account belongs to another community.",
            "该账户属于其他社区。",
        ),
        ({"account_id": pool.pk}, 400, "account_id", "funding source", None),
        ({"account_id": None, "funding_code": "bank"}, 400, "funding_code", "Unknown funding source", "未知"),
        ({"account_id": None}, 400, "funding_code", "Choose the funding source", None),
        ({"memo": ""}, 422, "memo", "at least 1", None),
    ]
    for change, status, field, en, zh in cases:
        body = {"account_id": fund_account["id"], "amount_fen": 100, "memo": "x", **change}
        for language, text in (("en", en), ("zh-hans", zh)):
            r = client_for(users["social_worker"], language).post(
                f"{BOOKS}/deposits", body, JSON, HTTP_IDEMPOTENCY_KEY=key()
            )
            assert r.status_code == status, (change, r.content)
            error = r.json()["error"]
            assert field in error["fields"], (change, error)
            if text:
                assert text in error["message"], (change, language, error)
    assert state() == before


def test_reverse_a_transaction_once_and_only_in_this_community(
    users: dict[str, Any], shopper: Any, other_community: Any, product: Product
) -> None:
    fund(shopper, 30)
    earned = Transaction.objects.get(kind="earn")
    c = client_for(users["community_admin"], "en")
    listed = c.get(f"{BOOKS}/transactions?kind=earn").json()
    assert [t["id"] for t in listed] == [earned.pk] and listed[0]["entries"][1]["amount"] == 30
    r = c.post(f"{BOOKS}/transactions/{earned.pk}/reverse", {"reason": "录入错误", "idempotency_key": "rev"}, JSON)
    assert r.status_code == 201 and r.json()["reverses_id"] == earned.pk
    again = c.post(f"{BOOKS}/transactions/{earned.pk}/reverse", {"reason": "录入错误", "idempotency_key": "rev"}, JSON)
    assert again.status_code == 200 and again.json()["id"] == r.json()["id"]
    assert services.resident_account(shopper).balance == 0
    before = state()
    r = c.post(f"{BOOKS}/transactions/{earned.pk}/reverse", {"reason": "再来", "idempotency_key": "rev2"}, JSON)
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_reversed"
    theirs = make_resident(other_community, name="王五", seq=3)
    fund(theirs, 5)
    their_txn = Transaction.objects.filter(community=other_community, kind="earn").get()
    before = state()
    r = c.post(f"{BOOKS}/transactions/{their_txn.pk}/reverse", {"reason": "x", "idempotency_key": "rev3"}, JSON)
    assert r.status_code == 404 and r.json()["error"]["message"] == "No such transaction in this community."
    r = c.post(f"{BOOKS}/transactions/{earned.pk}/reverse", {"reason": "", "idempotency_key": "rev4"}, JSON)
    assert r.status_code == 422 and "reason" in r.json()["error"]["fields"]
    assert state() == before


def test_report_and_merchants_list(users: dict[str, Any], shopper: Any, product: Product, merchant: Merchant) -> None:
    fund(shopper, 30)
    services.order_place(actor=shopper.user, resident=shopper, product=product, idempotency_key="o")
    c = client_for(users["grid_steward"], "en")
    report = c.get(f"{BOOKS}/report").json()
    assert (report["earned"], report["spent"], report["outstanding"]) == (30, 10, 20)
    r = c.get(f"{BOOKS}/report?year=1800")
    assert r.status_code == 400 and "year" in r.json()["error"]["fields"]
    assert [m["name"] for m in c.get(f"{BOOKS}/merchants?status=approved").json()] == ["小北鲜市"]
    labels = {r["code"]: r["label"] for r in c.get(f"{BOOKS}/rules").json()}
    assert labels["volunteer_hour"] == "Volunteer hour"


def test_english_and_chinese_refusals(users: dict[str, Any]) -> None:
    for language, text in (("en", "You may not see this community's books."), ("zh-hans", "您无权查看本社区的账目。")):
        r = client_for(users["resident"], language).get(f"{BOOKS}/rules")
        assert r.status_code == 403 and r.json()["error"] == {"code": "forbidden", "message": text, "fields": {}}


def test_the_ledger_api_is_documented() -> None:
    from django.test import Client

    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/ledger/orders" in paths and f"{BOOKS.replace('shibei', '{code}')}/deposits" in paths
