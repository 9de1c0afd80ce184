import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from linli.accounts.models import Role
from linli.conftest import client_for
from linli.ledger import services
from linli.ledger.models import Order, Transaction

from .conftest import fund

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_resident_pages_render_in_both_languages_and_elder_mode(shopper, product, language):
    fund(shopper, 30)
    client = client_for(shopper.user, language)
    client.cookies["linli_elder"] = "1"
    for name in ("ledger:my_points", "ledger:shop", "ledger:my_orders"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert b'class="elder' in response.content
    text = client.get(reverse("ledger:shop")).content.decode()
    assert product.name in text and ("Redeem" if language == "en" else "兑换") in text


def test_ordering_from_the_shop_and_redeeming_at_the_merchant(shopper, product, merchant, merchant_user):
    fund(shopper, 30)
    client = client_for(shopper.user)
    response = client.post(reverse("ledger:order_place", args=[product.pk]), {"idempotency_key": "page-1"})
    assert response.status_code == 302
    client.post(reverse("ledger:order_place", args=[product.pk]), {"idempotency_key": "page-1"})  # double click
    order = Order.objects.get()
    assert services.resident_account(shopper).balance == 20
    assert order.code in client.get(reverse("ledger:my_orders")).content.decode()

    # the resident cannot redeem their own order at the merchant
    assert client.post(reverse("ledger:merchant_home", args=[merchant.pk]), {"code": order.code}).status_code == 404
    seller = client_for(merchant_user)
    response = seller.post(reverse("ledger:merchant_home", args=[merchant.pk]), {"code": order.code}, follow=True)
    assert Order.objects.get().status == Order.Status.REDEEMED
    assert "青菜一把" in response.content.decode()


def test_settlement_page_and_excel(shopper, product, merchant, merchant_user, users):
    fund(shopper, 30)
    order = services.order_place(actor=shopper.user, resident=shopper, product=product, idempotency_key="o")
    services.order_redeem(actor=merchant_user, merchant=merchant, code=order.code)
    assert client_for(merchant_user).post(
        reverse("ledger:merchant_settle", args=[merchant.pk]), {"idempotency_key": "s"}
    )
    assert not merchant.settlements.exists()  # the merchant cannot settle itself
    admin = client_for(users["community_admin"])
    admin.post(reverse("ledger:merchant_settle", args=[merchant.pk]), {"idempotency_key": "s"})
    settlement = merchant.settlements.get()
    response = client_for(merchant_user).get(reverse("ledger:settlement_xlsx", args=[merchant.pk, settlement.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "小北鲜市" in values and 10 in values and 1.0 in values


def test_books_are_for_staff_only(community, users, shopper, product):
    fund(shopper, 30)
    url = reverse("ledger:books", args=[community.code])
    for role, status in [
        ("community_admin", 200),
        ("grid_steward", 200),
        ("street_admin", 200),
        ("resident", 403),
        ("outsider", 404),
    ]:
        assert client_for(users[role], "en").get(url).status_code == status, role
    text = client_for(users["community_admin"], "en").get(url).content.decode()
    assert "Community fund" in text and "Volunteer hour" in text


def test_a_refused_order_moves_nothing(shopper, product):
    client = client_for(shopper.user)
    before = Transaction.objects.count()
    response = client.post(reverse("ledger:order_place", args=[product.pk]), {"idempotency_key": "x"}, follow=True)
    assert Transaction.objects.count() == before
    assert "不足" in response.content.decode() or "Not enough" in response.content.decode()


def test_settlement_excel_writes_a_formula_product_name_as_text(shopper, product, merchant, merchant_user, users):
    product.name = '=HYPERLINK("http://x","y")'
    product.save(update_fields=["name"])
    fund(shopper, 30)
    order = services.order_place(actor=shopper.user, resident=shopper, product=product, idempotency_key="o")
    services.order_redeem(actor=merchant_user, merchant=merchant, code=order.code)
    client_for(users["community_admin"]).post(
        reverse("ledger:merchant_settle", args=[merchant.pk]), {"idempotency_key": "s"}
    )
    settlement = merchant.settlements.get()
    response = client_for(merchant_user).get(reverse("ledger:settlement_xlsx", args=[merchant.pk, settlement.pk]))
    cells = [c for row in load_workbook(io.BytesIO(response.content)).active.iter_rows() for c in row]
    named = [c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert named and all(c.data_type == "s" and c.value.startswith("'") for c in named)


def test_a_merchant_application_is_approved_or_declined_by_its_own_button(community, users, make_user):
    applicant = make_user(Role.RESIDENT, community)
    approved = services.merchant_apply(actor=applicant, community=community, name="街角咖啡")
    declined = services.merchant_apply(actor=applicant, community=community, name="巷口面馆")
    books = reverse("ledger:books", args=[community.code])
    admin = client_for(users["community_admin"], "en")
    page = admin.get(books).content.decode()
    assert reverse("ledger:merchant_approve", args=[community.code, approved.pk]) in page
    assert reverse("ledger:merchant_decline", args=[community.code, declined.pk]) in page

    steward = client_for(users["grid_steward"], "en")  # sees the books, may not decide
    assert steward.post(reverse("ledger:merchant_approve", args=[community.code, approved.pk])).status_code == 403
    approved.refresh_from_db()
    assert approved.status == approved.Status.PENDING

    response = admin.post(reverse("ledger:merchant_approve", args=[community.code, approved.pk]), follow=True)
    assert response.redirect_chain[-1][0] == books and "Decision recorded." in response.content.decode()
    admin.post(reverse("ledger:merchant_decline", args=[community.code, declined.pk]))
    approved.refresh_from_db()
    declined.refresh_from_db()
    assert (approved.status, declined.status) == (approved.Status.APPROVED, declined.Status.REJECTED)
    # decided: no longer pending, so its buttons find nothing
    assert admin.post(reverse("ledger:merchant_decline", args=[community.code, approved.pk])).status_code == 404
    assert admin.get(reverse("ledger:merchant_approve", args=[community.code, declined.pk])).status_code == 405
