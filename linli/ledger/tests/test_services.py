import datetime as dt
from decimal import Decimal
from functools import partial

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from linli.accounts.models import Role
from linli.audit.models import AuditEntry
from linli.conftest import make_resident
from linli.core.errors import Conflict, DomainError, NotAllowed, NotFound
from linli.ledger import selectors, services
from linli.ledger.checks import ledger_check
from linli.ledger.models import Account, Entry, Merchant, Order, Product, Transaction, Unit
from linli.notifications.models import Notification

from .conftest import fund

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English here; the pages test the Chinese."""
    with translation.override("en"):
        yield


def at(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(y, m, d, h))


def nothing_moved() -> tuple[int, int]:
    return Transaction.objects.count(), Entry.objects.count()


# --- earning ------------------------------------------------------------------------------------------------


def test_earning_pays_from_the_rules_funding_source_and_audits(community, resident):
    result = services.points_earn(
        community=community, resident=resident, rule_code="volunteer_hour", quantity=2, idempotency_key="v-1"
    )
    assert result.points == 20 and result.transaction is not None
    assert services.resident_account(resident).balance == 20
    assert services.funding_account(community, "community_fund", Unit.POINTS).balance == -20
    assert AuditEntry.objects.filter(action="points.earn").count() == 1
    assert ledger_check().ok


def test_caps_cut_the_award_and_then_award_nothing(community, resident):
    now = at(2026, 5, 1)

    earn = partial(services.points_earn, community=community, resident=resident, rule_code="waste_sorting")
    first, second, third = (
        earn(idempotency_key="w1", now=now),
        earn(idempotency_key="w2", now=now, quantity=5),
        earn(idempotency_key="w3", now=now),
    )
    assert (first.points, second.points, third.points) == (1, 1, 0)  # daily cap 2
    assert second.capped and third.transaction is None
    assert earn(idempotency_key="w4", now=now + dt.timedelta(days=1)).points == 1
    # a retry of the capped call still awards nothing, even on a fresh day
    assert earn(idempotency_key="w3", now=now + dt.timedelta(days=2)).points == 0


def test_yearly_cap(community, resident):
    rule = services.earning_rule_get(community, "volunteer_hour")
    rule.daily_cap, rule.yearly_cap = None, 25
    rule.save()
    got = [
        services.points_earn(
            community=community,
            resident=resident,
            rule_code="volunteer_hour",
            idempotency_key=f"y{i}",
            now=at(2026, 3, i + 1),
        ).points
        for i in range(4)
    ]
    assert got == [10, 10, 5, 0]
    assert (
        services.points_earn(
            community=community,
            resident=resident,
            rule_code="volunteer_hour",
            idempotency_key="y-next",
            now=at(2027, 1, 2),
        ).points
        == 10
    )


def test_unknown_or_disabled_rule_is_refused(community, resident):
    with pytest.raises(DomainError, match="no earning rule"):
        services.points_earn(community=community, resident=resident, rule_code="sleeping", idempotency_key="x")
    rule = services.earning_rule_get(community, "vote_cast")
    rule.enabled = False
    rule.save()
    with pytest.raises(DomainError, match="switched off"):
        services.points_earn(community=community, resident=resident, rule_code="vote_cast", idempotency_key="x")
    assert nothing_moved() == (0, 0)


def test_same_key_moves_value_once(community, resident):
    a = services.points_earn(community=community, resident=resident, rule_code="vote_cast", idempotency_key="same")
    b = services.points_earn(community=community, resident=resident, rule_code="vote_cast", idempotency_key="same")
    assert a.transaction == b.transaction and a.points == b.points == 2
    assert services.resident_account(resident).balance == 2
    assert Transaction.objects.count() == 1


def test_same_key_for_a_different_operation_is_refused(community, resident):
    services.points_earn(community=community, resident=resident, rule_code="vote_cast", idempotency_key="same")
    with pytest.raises(Conflict, match="different operation"):
        services.points_earn(
            community=community, resident=resident, rule_code="vote_cast", quantity=2, idempotency_key="same"
        )


@pytest.mark.parametrize("amount", [0, -5, 2.5, Decimal("3"), "10", True, None, 10**13])
def test_bad_amounts_are_refused_and_move_nothing(community, resident, amount):
    src = services.funding_account(community, "community_fund")
    dst = services.funding_account(community, "community_company")
    with pytest.raises(DomainError) as info:
        services.money_transfer(
            community=community, from_account=src, to_account=dst, amount_fen=amount, idempotency_key="m", memo="x"
        )
    assert info.value.field == "amount" and str(info.value.message)
    with pytest.raises(DomainError):
        services.points_earn(
            community=community, resident=resident, rule_code="vote_cast", quantity=amount, idempotency_key="e"
        )
    assert nothing_moved() == (0, 0)


def test_unknown_account_and_other_communitys_account_are_refused(community, other_community, resident):
    src = services.funding_account(community, "community_fund")
    theirs = services.funding_account(other_community, "community_fund")
    with pytest.raises(NotFound, match="another community"):
        services.money_transfer(
            community=community, from_account=src, to_account=theirs, amount_fen=100, idempotency_key="m", memo="x"
        )
    with pytest.raises(NotFound):
        services.money_transfer(
            community=community,
            from_account=src,
            to_account=Account(unit="fen"),
            amount_fen=100,
            idempotency_key="m",
            memo="x",
        )
    with pytest.raises(DomainError, match="funding source"):
        services.funding_account(community, "lottery")
    stranger = make_resident(other_community, name="孙秀英", seq=9)
    with pytest.raises(NotFound, match="not registered in this community"):
        services.points_earn(community=community, resident=stranger, rule_code="vote_cast", idempotency_key="e")
    with pytest.raises(DomainError, match="in yuan"):
        services.money_transfer(
            community=community,
            from_account=src,
            to_account=services.resident_account(resident, Unit.POINTS),
            amount_fen=1,
            idempotency_key="u",
            memo="",
        )
    assert nothing_moved() == (0, 0)


def test_floor_holds_and_a_refused_transfer_moves_nothing(community, resident):
    fund(resident, 30)
    before = nothing_moved()
    charity = services.pool_account(community)
    with pytest.raises(services.InsufficientBalance):
        services.points_transfer(
            community=community,
            from_account=services.resident_account(resident),
            to_account=charity,
            points=31,
            idempotency_key="gift",
            memo="",
        )
    assert nothing_moved() == before and services.resident_account(resident).balance == 30


def test_money_transfer_for_the_canteen_subsidy(community, resident):
    coop = services.funding_account(community, "economic_cooperative")
    canteen = services.funding_account(community, "community_company")
    txn = services.money_transfer(
        community=community,
        from_account=coop,
        to_account=canteen,
        amount_fen=700,
        idempotency_key="meal-1",
        memo="70+ meal subsidy",
        kind="subsidy",
    )
    assert [e.amount for e in txn.entries.order_by("amount")] == [-700, 700]
    assert services.funding_account(community, "economic_cooperative").balance == -700
    with pytest.raises(DomainError, match="kind of transfer"):
        services.money_transfer(
            community=community,
            from_account=coop,
            to_account=canteen,
            amount_fen=1,
            idempotency_key="z",
            memo="",
            kind="order",
        )


def test_a_deposit_entered_later_is_dated_the_day_it_was_paid(community, users):
    paid = timezone.make_aware(dt.datetime(2026, 3, 2, 10))
    txn = services.funding_deposit(
        actor=users["community_admin"],
        community=community,
        code="community_fund",
        amount_fen=12_000,
        idempotency_key="grant-march",
        memo="街道拨付",
        now=paid,
    )
    assert txn.occurred_at == paid
    assert {e.occurred_at for e in txn.entries.all()} == {paid}
    assert services.funding_account(community, "community_fund").balance == 12_000
    today = services.funding_deposit(
        actor=users["community_admin"],
        community=community,
        code="community_fund",
        amount_fen=1,
        idempotency_key="grant-today",
        memo="",
    )
    assert today.occurred_at > paid


def test_reversal_negates_once_and_needs_a_caseworker(community, resident, users):
    result = services.points_earn(community=community, resident=resident, rule_code="vote_cast", idempotency_key="v")
    with pytest.raises(NotAllowed):
        services.transaction_reverse(
            community=community, original=result.transaction, idempotency_key="r", reason="dup", actor=users["resident"]
        )
    rev = services.transaction_reverse(
        community=community,
        original=result.transaction,
        idempotency_key="r",
        reason="dup",
        actor=users["social_worker"],
    )
    assert rev.reverses == result.transaction and services.resident_account(resident).balance == 0
    with pytest.raises(Conflict, match="already been reversed"):
        services.transaction_reverse(
            community=community, original=result.transaction, idempotency_key="r2", reason="dup", actor=None
        )
    with pytest.raises(DomainError, match="cannot be reversed"):
        services.transaction_reverse(community=community, original=rev, idempotency_key="r3", reason="x")
    assert ledger_check().ok


def test_reversing_spent_points_is_refused_by_the_floor(community, shopper, product):
    earned = services.points_earn(community=community, resident=shopper, rule_code="vote_cast", idempotency_key="v")
    fund(shopper, 8)
    services.order_place(actor=shopper.user, resident=shopper, product=product, idempotency_key="o")
    with pytest.raises(services.InsufficientBalance):
        services.transaction_reverse(community=community, original=earned.transaction, idempotency_key="r", reason="x")


# --- the marketplace --------------------------------------------------------------------------------------------


def test_order_redeem_settle_end_to_end(
    community, shopper, product, merchant, merchant_user, users, django_capture_on_commit_callbacks
):
    fund(shopper, 100)
    order = services.order_place(
        actor=shopper.user, resident=shopper, product=product, quantity=3, idempotency_key="o1"
    )
    assert order.points == 30 and order.status == Order.Status.PAID and len(order.code) == 10
    assert services.resident_account(shopper).balance == 70
    assert services.escrow_account(community, Unit.POINTS).balance == 30
    assert Product.objects.get(pk=product.pk).stock == 997
    again = services.order_place(
        actor=shopper.user, resident=shopper, product=product, quantity=3, idempotency_key="o1"
    )
    assert again.pk == order.pk and services.resident_account(shopper).balance == 70

    with pytest.raises(NotAllowed):
        services.order_redeem(actor=shopper.user, merchant=merchant, code=order.code)
    with django_capture_on_commit_callbacks(execute=True):
        redeemed = services.order_redeem(
            actor=merchant_user, merchant=merchant, code=f"{order.code[:5]} {order.code[5:]}"
        )
    assert redeemed.status == Order.Status.REDEEMED
    assert services.merchant_account(merchant).balance == 30
    assert Notification.objects.filter(user=shopper.user).exists()
    with pytest.raises(Conflict, match="already redeemed"):
        services.order_redeem(actor=merchant_user, merchant=merchant, code=order.code)
    with pytest.raises(NotFound):
        services.order_redeem(actor=merchant_user, merchant=merchant, code="0000000000")

    with pytest.raises(NotAllowed):
        services.merchant_settle(actor=merchant_user, merchant=merchant, idempotency_key="s1")
    settlement = services.merchant_settle(actor=users["community_admin"], merchant=merchant, idempotency_key="s1")
    assert (settlement.points, settlement.fen, settlement.funding_code) == (30, 300, "community_fund")
    assert services.merchant_account(merchant).balance == 0
    assert services.merchant_account(merchant, Unit.FEN).balance == 300
    assert services.funding_account(community, "community_fund").balance == 100_000 - 300  # the fixture's deposit
    assert (
        services.merchant_settle(actor=users["community_admin"], merchant=merchant, idempotency_key="s1") == settlement
    )
    with pytest.raises(DomainError, match="nothing to settle"):
        services.merchant_settle(actor=users["community_admin"], merchant=merchant, idempotency_key="s2")
    with pytest.raises(Conflict):
        services.order_refund(actor=merchant_user, order=redeemed)
    assert ledger_check().ok


def test_resident_refunds_before_redemption_and_stock_returns(community, shopper, product, users):
    fund(shopper, 50)
    order = services.order_place(actor=shopper.user, resident=shopper, product=product, quantity=2, idempotency_key="o")
    with pytest.raises(NotAllowed):
        services.order_refund(actor=users["resident"], order=order)
    refunded = services.order_refund(actor=shopper.user, order=order)
    assert refunded.status == Order.Status.REFUNDED
    assert services.resident_account(shopper).balance == 50
    assert Product.objects.get(pk=product.pk).stock == 1000
    assert services.order_refund(actor=shopper.user, order=order).refund == refunded.refund  # twice refunds once
    assert ledger_check().ok


def test_merchant_refunds_after_redemption(community, shopper, product, merchant, merchant_user):
    fund(shopper, 50)
    order = services.order_place(actor=shopper.user, resident=shopper, product=product, idempotency_key="o")
    services.order_redeem(actor=merchant_user, merchant=merchant, code=order.code)
    with pytest.raises(NotAllowed):
        services.order_refund(actor=shopper.user, order=Order.objects.get(pk=order.pk))
    services.order_refund(actor=merchant_user, order=Order.objects.get(pk=order.pk), reason="wilted")
    assert services.resident_account(shopper).balance == 50 and services.merchant_account(merchant).balance == 0


def test_cannot_afford_out_of_stock_and_not_for_sale(community, shopper, product, merchant, other_community):
    fund(shopper, 5)
    with pytest.raises(services.InsufficientBalance):
        services.order_place(actor=shopper.user, resident=shopper, product=product, idempotency_key="o")
    fund(shopper, 1000)
    Product.objects.filter(pk=product.pk).update(stock=50)
    with pytest.raises(Conflict, match="left in stock"):
        services.order_place(actor=shopper.user, resident=shopper, product=product, quantity=99, idempotency_key="o2")
    Product.objects.filter(pk=product.pk).update(stock=1)
    services.order_place(actor=shopper.user, resident=shopper, product=product, idempotency_key="o3")
    with pytest.raises(Conflict, match="only 0 left"):
        services.order_place(actor=shopper.user, resident=shopper, product=product, idempotency_key="o4")
    local_only = Merchant.objects.create(
        community=other_community, name="利民小店", status="approved", applied_at=timezone.now()
    )
    theirs = Product.objects.create(
        merchant=local_only, community=other_community, name="酱油", price_points=1, stock=5
    )
    with pytest.raises(NotFound):
        services.order_place(actor=shopper.user, resident=shopper, product=theirs, idempotency_key="o5")


def test_cross_community_redemption_records_what_the_communities_owe_each_other(
    community, other_community, product, merchant, merchant_user, make_user
):
    from linli.accounts.models import Role

    user = make_user(Role.RESIDENT, other_community)
    visitor = make_resident(other_community, name="孙秀英", seq=3, user=user)
    fund(visitor, 40)
    order = services.order_place(actor=user, resident=visitor, product=product, quantity=2, idempotency_key="x1")
    assert order.cross_community and order.community == community
    assert services.pool_account(other_community).balance == 20  # 利民 holds what it owes 市北
    assert services.pool_account(community).balance == -20  # 市北 is owed
    services.order_redeem(actor=merchant_user, merchant=merchant, code=order.code)
    assert services.merchant_account(merchant).balance == 20
    assert ledger_check().ok


def test_merchant_application_and_approval(community, make_user, users):
    applicant = make_user(Role.RESIDENT, community)
    merchant = services.merchant_apply(
        actor=applicant, community=community, name="塔海共富点", kind="common_prosperity"
    )
    assert merchant.status == Merchant.Status.PENDING
    with pytest.raises(NotAllowed):
        services.product_save(actor=applicant, merchant=merchant, name="番薯", price_points=5, stock=3)
    with pytest.raises(NotAllowed):
        services.merchant_decide(actor=users["grid_steward"], merchant=merchant, approve=True)
    approved = services.merchant_decide(
        actor=users["community_admin"], merchant=merchant, approve=True, settles_with="economic_cooperative"
    )
    assert approved.is_open and approved.settles_with == "economic_cooperative"
    assert applicant.roles.filter(role="merchant_staff", community=community).exists()
    product = services.product_save(actor=applicant, merchant=approved, name="番薯", price_points=5, stock=3)
    assert product.community == community
    with pytest.raises(DomainError, match="price"):
        services.product_save(actor=applicant, merchant=approved, name="空", price_points=0, price_fen=0)
    with pytest.raises(Conflict):
        services.merchant_decide(actor=users["community_admin"], merchant=merchant, approve=False)


def test_points_and_yuan_in_one_order(community, shopper, merchant, merchant_user):
    both = Product.objects.create(
        merchant=merchant, community=community, name="理发券", kind="voucher", price_points=20, price_fen=1500, stock=5
    )
    fund(shopper, 20)
    services.money_transfer(
        community=community,
        from_account=services.external_account(community),
        to_account=services.resident_account(shopper, Unit.FEN),
        amount_fen=2000,
        idempotency_key="topup",
        memo="cash top-up",
        kind="deposit",
    )
    order = services.order_place(actor=shopper.user, resident=shopper, product=both, idempotency_key="o")
    assert selectors.resident_balances(shopper) == {"points": 0, "fen": 500}
    services.order_redeem(actor=merchant_user, merchant=merchant, code=order.code)
    assert services.merchant_account(merchant, Unit.FEN).balance == 1500
    assert ledger_check().ok


# --- expiry -------------------------------------------------------------------------------------------------


def test_points_expire_at_the_end_of_the_next_year_with_notice(
    community, shopper, product, django_capture_on_commit_callbacks
):
    rule = services.earning_rule_get(community, "volunteer_hour")
    rule.points, rule.daily_cap, rule.yearly_cap = 1, None, None
    rule.save()
    earn = services.points_earn
    earn(
        community=community,
        resident=shopper,
        rule_code="volunteer_hour",
        quantity=100,
        idempotency_key="a",
        now=at(2024, 6, 1),
    )
    earn(
        community=community,
        resident=shopper,
        rule_code="volunteer_hour",
        quantity=30,
        idempotency_key="b",
        now=at(2025, 3, 1),
    )
    services.order_place(
        actor=shopper.user, resident=shopper, product=product, quantity=4, idempotency_key="o", now=at(2025, 4, 1)
    )
    # at the end of 2025, what is left of 2024's 100 (minus the 40 spent first from them) expires
    assert services.points_expiry_notify(community=community, now=at(2025, 11, 1)) == 0  # too early
    with django_capture_on_commit_callbacks(execute=True):
        assert services.points_expiry_notify(community=community, now=at(2025, 12, 10)) == 1
    assert services.points_expiry_notify(community=community, now=at(2025, 12, 11)) == 0  # once
    assert "60" in Notification.objects.get(user=shopper.user).title
    with pytest.raises(DomainError):
        services.points_expire(community=community, year=2025, now=at(2025, 12, 31))
    result = services.points_expire(community=community, year=2025, now=at(2026, 1, 1, 1))
    assert (result.accounts, result.points) == (1, 60)
    assert services.resident_account(shopper).balance == 30
    assert services.pool_account(community).balance == 60
    assert services.points_expire(community=community, year=2025, now=at(2026, 1, 2)).points == 0
    assert ledger_check().ok


def test_ledger_check_command_fails_loudly_on_a_tampered_balance(community, resident, capsys):
    fund(resident, 10)
    call_command("ledger_check")
    Account.objects.filter(resident=resident).update(balance=11)
    with pytest.raises(Exception, match="does NOT balance"):
        call_command("ledger_check")
