"""The ledger's staff admin: read-only, scoped to the user's communities."""

from typing import Any

import pytest

from linli.conftest import client_for, make_resident
from linli.ledger import services
from linli.ledger.models import Account, Entry, Order, Transaction

from .conftest import fund

pytestmark = pytest.mark.django_db
MODELS = (
    "account",
    "transaction",
    "entry",
    "earningrule",
    "ledgersettings",
    "merchant",
    "product",
    "order",
    "settlement",
)


def staff_client(user: Any) -> Any:
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return client_for(user, "en")


@pytest.fixture
def books(shopper: Any, product: Any, merchant: Any, merchant_user: Any, other_community: Any) -> dict[str, Any]:
    fund(shopper, 30)
    order = services.order_place(actor=shopper.user, resident=shopper, product=product, idempotency_key="o")
    services.order_redeem(actor=merchant_user, merchant=merchant, code=order.code)
    theirs = make_resident(other_community, name="王五", seq=3)
    fund(theirs, 7)
    return {"order": order, "theirs": Transaction.objects.get(community=other_community, kind="earn")}


def test_every_ledger_model_lists_and_opens_read_only(users: dict[str, Any], books: dict[str, Any]) -> None:
    c = staff_client(users["community_admin"])
    for model in MODELS:
        listing = c.get(f"/admin/ledger/{model}/")
        assert listing.status_code == 200, model
        assert f'href="/admin/ledger/{model}/add/"' not in listing.content.decode(), model
        assert c.get(f"/admin/ledger/{model}/add/").status_code == 403, model
    txn = books["order"].payment
    detail = c.get(f"/admin/ledger/transaction/{txn.pk}/change/")
    assert detail.status_code == 200 and "青菜一把" in detail.content.decode()
    assert 'name="_save"' not in detail.content.decode()
    assert books["order"].code not in c.get(f"/admin/ledger/order/{books['order'].pk}/change/").content.decode()
    assert c.get("/admin/ledger/account/?q=周丽君").status_code == 200
    assert c.get("/admin/ledger/transaction/?kind__exact=earn").status_code == 200


def test_nothing_can_be_changed_or_deleted(users: dict[str, Any], books: dict[str, Any]) -> None:
    c = staff_client(users["community_admin"])
    txn = books["order"].payment
    entry = txn.entries.first()
    before = (Transaction.objects.count(), Entry.objects.count(), list(Account.objects.values_list("balance")))
    assert c.post(f"/admin/ledger/transaction/{txn.pk}/change/", {"memo": "改"}).status_code == 403
    assert c.post(f"/admin/ledger/entry/{entry.pk}/change/", {"amount": 1}).status_code == 403
    assert c.post(f"/admin/ledger/transaction/{txn.pk}/delete/", {"post": "yes"}).status_code == 403
    assert c.post(f"/admin/ledger/entry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    r = c.post("/admin/ledger/order/", {"action": "delete_selected", "_selected_action": [books["order"].pk]})
    assert Order.objects.filter(pk=books["order"].pk).exists() and r.status_code in (200, 302, 403)
    assert before == (Transaction.objects.count(), Entry.objects.count(), list(Account.objects.values_list("balance")))
    assert Transaction.objects.get(pk=txn.pk).memo != "改"


def test_admin_is_scoped_to_the_users_communities(users: dict[str, Any], books: dict[str, Any]) -> None:
    theirs = books["theirs"]
    for role in ("community_admin", "grid_steward"):
        c = staff_client(users[role])
        listing = c.get("/admin/ledger/transaction/").content.decode()
        assert f"/admin/ledger/transaction/{books['order'].payment.pk}/change/" in listing
        assert f"/admin/ledger/transaction/{theirs.pk}/change/" not in listing
        assert c.get(f"/admin/ledger/transaction/{theirs.pk}/change/").status_code in (302, 404)
        entry_ids = set(Entry.objects.filter(transaction=theirs).values_list("pk", flat=True))
        entries = c.get("/admin/ledger/entry/").content.decode()
        assert not any(f"/admin/ledger/entry/{pk}/change/" in entries for pk in entry_ids)
    # a street admin oversees both communities of the street
    street = staff_client(users["street_admin"]).get("/admin/ledger/transaction/").content.decode()
    assert f"/admin/ledger/transaction/{theirs.pk}/change/" in street
    # residents and merchants have no ledger admin at all
    for role in ("resident", "merchant_staff", "city_viewer", "outsider"):
        assert staff_client(users[role]).get("/admin/ledger/transaction/").status_code == 403, role
