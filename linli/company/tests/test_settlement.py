"""共富 settlement between communities: what one community's residents bought at the other's merchants and their
uses of its spaces, confirmed or disputed by each side, paid through the ledger between the communities' pools;
and partners' money contributions received into the fund."""

import datetime as dt

import pytest

from linli.accounts.models import Role
from linli.company import selectors, services
from linli.company.models import CompanySettings, Settlement
from linli.conftest import client_for, make_resident
from linli.core.errors import Conflict, DomainError, NotAllowed, NotFound
from linli.facilities.models import Booking, Facility, FacilityCategory, Service, Slot
from linli.fund import services as fund
from linli.fund.models import Donation
from linli.ledger import services as ledger
from linli.ledger.checks import ledger_check
from linli.ledger.models import Merchant, Product
from linli.ledger.tests.conftest import fund as give_points
from linli.partners.models import Contribution, Partner, Project

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=8))
MARCH = dt.datetime(2026, 3, 12, 10, tzinfo=TZ)
NOW = dt.datetime(2026, 4, 3, 10, tzinfo=TZ)


def shop(community, name, staff):
    m = Merchant.objects.create(
        community=community, name=name, status="approved", applied_at=MARCH, open_to_all_communities=True
    )
    m.staff.add(staff)
    return Product.objects.create(
        merchant=m, community=community, name="大米", price_fen=5000, price_points=10, stock=50
    )


def buy(resident, product, key, quantity=1):
    ledger.money_transfer(
        community=resident.community,
        from_account=ledger.external_account(resident.community),
        to_account=ledger.resident_account(resident, "fen"),
        amount_fen=product.price_fen * quantity,
        idempotency_key=f"top-{key}",
        memo="充值",
        kind="deposit",
        now=MARCH,
    )
    give_points(resident, product.price_points * quantity)
    order = ledger.order_place(
        actor=None, resident=resident, product=product, quantity=quantity, idempotency_key=key, now=MARCH
    )
    staff = product.merchant.staff.first()
    return ledger.order_redeem(actor=staff, merchant=product.merchant, code=order.code, now=MARCH)


@pytest.fixture
def trade(community, other_community, make_user, users):
    """Two 利民 residents buy at 市北 (2 + 1 rice), one uses 市北's reading room; a 市北 resident buys once at 利民."""
    shibei = shop(community, "小北鲜市", users["merchant_staff"])
    limin = shop(other_community, "利民菜场", make_user(Role.MERCHANT_STAFF, other_community))
    a, b = make_resident(other_community, "孙秀英", seq=3), make_resident(other_community, "钱伟", seq=4)
    buy(a, shibei, "a", quantity=2)
    buy(b, shibei, "b")
    buy(make_resident(community, "周丽君", seq=5), limin, "c")
    room = Facility.objects.create(
        community=community,
        code="reading",
        name="邻里书房",
        category=FacilityCategory.objects.first(),
        scenario="services",
        nature="free",
        lat=30.285,
        lng=120.135,
    )
    service = Service.objects.create(community=community, facility=room, kind="venue", name="自习座位", price_fen=0)
    slot = Slot.objects.create(
        community=community, service=service, starts_at=MARCH, ends_at=MARCH + dt.timedelta(hours=2), capacity=9
    )
    Booking.objects.create(community=community, slot=slot, resident=a, status=Booking.Status.ATTENDED, created_at=MARCH)
    CompanySettings.objects.create(community=community, shared_use_fen=300)
    return {"limin_admin": make_user(Role.COMMUNITY_ADMIN, other_community)}


def test_a_month_is_drawn_up_confirmed_by_both_sides_and_paid_between_the_pools(
    community, other_community, users, trade
):
    made = services.settlements_prepare(actor=users["street_admin"], community=community, year=2026, month=3, now=NOW)
    assert len(made) == 1
    s = made[0]
    limin = "first" if s.first_id == other_community.pk else "second"
    shibei = "second" if limin == "first" else "first"
    # 利民's residents owe 3 × ¥50, 30 points (valued at 10 fen each) and one use of the reading room at ¥3
    assert (getattr(s, f"{limin}_fen"), getattr(s, f"{limin}_points"), getattr(s, f"{limin}_points_fen")) == (
        15_000,
        30,
        300,
    )
    assert (getattr(s, f"{limin}_uses"), getattr(s, f"{limin}_uses_fen")) == (1, 300)
    assert getattr(s, f"{shibei}_fen") == 5000 and getattr(s, f"{shibei}_owes_fen") == 5100
    pool_before = ledger.pool_account(other_community, "fen").balance
    assert pool_before == 15_000 - 5000  # what the marketplace left in 利民's pool

    with pytest.raises(NotAllowed):  # the street office draws up, the communities confirm
        services.settlement_confirm(actor=users["street_admin"], settlement=s, community=community, now=NOW)
    services.settlement_confirm(actor=users["community_admin"], settlement=s, community=community, now=NOW)
    with pytest.raises(Conflict):
        services.settlement_confirm(actor=users["community_admin"], settlement=s, community=community, now=NOW)
    paid = services.settlement_confirm(actor=trade["limin_admin"], settlement=s, community=other_community, now=NOW)
    assert paid.status == Settlement.Status.PAID and paid.transaction is not None
    net = 15_000 + 300 + 300 - 5100
    assert ledger.pool_account(other_community, "fen").balance == pool_before - net
    assert ledger.pool_account(community, "fen").balance == -pool_before + net
    assert ledger.pool_account(other_community, "points").balance == 0 == ledger.pool_account(community).balance + 0
    assert ledger_check().ok
    with pytest.raises(Conflict):  # paid is final
        services.settlement_prepare(
            actor=users["street_admin"], community=community, other=other_community, year=2026, month=3, now=NOW
        )


def test_a_dispute_stops_payment_until_the_statement_is_drawn_up_again(community, other_community, users, trade):
    s = services.settlement_prepare(
        actor=users["community_admin"], community=community, other=other_community, year=2026, month=3, now=NOW
    )
    services.settlement_confirm(actor=users["community_admin"], settlement=s, community=community, now=NOW)
    with pytest.raises(DomainError):
        services.settlement_dispute(actor=trade["limin_admin"], settlement=s, community=other_community, reason=" ")
    disputed = services.settlement_dispute(
        actor=trade["limin_admin"], settlement=s, community=other_community, reason="钱伟的订单已退款"
    )
    assert disputed.status == Settlement.Status.DISPUTED and disputed.dispute_reason == "钱伟的订单已退款"
    with pytest.raises(Conflict):  # 市北 cannot push it through
        services.settlement_confirm(actor=users["community_admin"], settlement=s, community=community, now=NOW)
    redrawn = services.settlement_prepare(
        actor=users["street_admin"], community=community, other=other_community, year=2026, month=3, now=NOW
    )
    assert redrawn.pk == s.pk and redrawn.status == Settlement.Status.OPEN and redrawn.first_confirmed_at is None
    assert redrawn.transaction is None
    with pytest.raises(DomainError):  # April is not over
        services.settlement_prepare(
            actor=users["street_admin"], community=community, other=other_community, year=2026, month=4, now=NOW
        )


def test_who_sees_and_confirms_settlements(community, other_community, far_community, make_user, users, trade):
    s = services.settlement_prepare(
        actor=users["street_admin"], community=community, other=other_community, year=2026, month=3, now=NOW
    )
    far_admin = make_user(Role.COMMUNITY_ADMIN, far_community)
    with pytest.raises(NotFound):  # not a side
        services.settlement_confirm(actor=far_admin, settlement=s, community=far_community, now=NOW)
    with pytest.raises(NotAllowed):
        services.settlement_prepare(
            actor=far_admin, community=community, other=other_community, year=2026, month=3, now=NOW
        )
    for role in ("social_worker", "operator", "grid_steward", "resident"):
        with pytest.raises(NotAllowed):
            services.settlement_confirm(actor=users[role], settlement=s, community=community, now=NOW)
    url = f"/company/{community.code}/settlements/{s.pk}/"
    assert client_for(users["community_admin"]).get(url).status_code == 200
    assert client_for(users["street_admin"]).get(url).status_code == 200
    assert client_for(users["resident"]).get(url).status_code == 404
    assert client_for(far_admin).get(f"/company/{far_community.code}/settlements/{s.pk}/").status_code == 404
    street = client_for(users["street_admin"]).get(f"/company/streets/{community.street.code}/settlements/")
    assert street.status_code == 200 and "利民社区" in street.content.decode() and "待确认" in street.content.decode()
    api = client_for(trade["limin_admin"])
    listed = api.get(f"/api/v1/company/{other_community.code}/settlements").json()
    assert [x["id"] for x in listed] == [s.pk] and listed[0]["status_label"] == "待确认"
    confirmed = api.post(f"/api/v1/company/{other_community.code}/settlements/{s.pk}/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "open"
    page = client_for(users["community_admin"]).post(f"/company/{community.code}/settlements/{s.pk}/confirm/")
    assert page.status_code == 302
    assert selectors.settlement_get(user=users["community_admin"], community=community, pk=s.pk).status == "paid"
    assert client_for(far_admin).get(f"/api/v1/company/{far_community.code}/settlements/{s.pk}").status_code == 404


def test_a_partners_money_contribution_is_received_into_the_funds_ledger_account_once(community, users):
    partner = Partner.objects.create(
        community=community, name="西湖银行", kind="resources", joined_on=dt.date(2026, 1, 1)
    )
    project = Project.objects.create(
        community=community, title="老年食堂改造", lead=partner, scenario="services", starts_on=dt.date(2026, 1, 5)
    )
    money = Contribution.objects.create(
        project=project, partner=partner, kind="money", description="改造资金", value_fen=5_000_000
    )
    goods = Contribution.objects.create(
        project=project, partner=partner, kind="goods", description="桌椅", value_fen=100_000, status="delivered"
    )
    admin = users["community_admin"]
    with pytest.raises(DomainError):  # pledged, not delivered
        fund.contribution_receive(actor=admin, contribution=money)
    with pytest.raises(DomainError):
        fund.contribution_receive(actor=admin, contribution=goods)
    Contribution.objects.filter(pk=money.pk).update(status="delivered", delivered_on=dt.date(2026, 2, 1))
    money.refresh_from_db()
    with pytest.raises(NotAllowed):
        fund.contribution_receive(actor=users["operator"], contribution=money)
    web = client_for(admin)
    page = web.get(f"/fund/{community.code}/manage/")
    assert "合伙方资金投入" in page.content.decode()
    assert web.post(f"/fund/{community.code}/contributions/{money.pk}/receive/").status_code == 302
    donation = Donation.objects.get(contribution=money)
    assert donation.amount_fen == 5_000_000 and donation.partner == partner and donation.donor_kind == "enterprise"
    assert fund.fund_account(community).balance == 5_000_000
    with pytest.raises(Conflict):
        fund.contribution_receive(actor=admin, contribution=money)
    again = web.post(f"/api/v1/fund/{community.code}/contributions/{money.pk}/receive")
    assert again.status_code == 409 and fund.fund_account(community).balance == 5_000_000
    listed = web.get(f"/api/v1/fund/{community.code}/contributions").json()
    assert listed[0]["donation_id"] == donation.pk
    assert ledger_check(community_id=community.pk).ok
