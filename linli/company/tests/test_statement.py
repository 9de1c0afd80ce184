import datetime as dt

import pytest
from django.db.models import Sum
from openpyxl import load_workbook

from linli.canteen.models import MealCharge, MealOrder, Menu
from linli.company import selectors, services
from linli.company.models import Posting
from linli.conftest import make_resident
from linli.core.errors import Conflict, DomainError, NotAllowed, NotFound
from linli.facilities.models import Booking, Facility, Service, Slot
from linli.ledger import services as ledger
from linli.ledger.checks import ledger_check
from linli.ledger.models import Entry, Merchant, Product, Transaction

from .conftest import facility, support

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=8))
DAY = dt.date(2026, 3, 14)


@pytest.fixture
def spaces(community):
    return {
        "gym": facility(community, "gym", Facility.Nature.EARNING),
        "canteen": facility(community, "canteen", Facility.Nature.AFFORDABLE),
        "reading": facility(community, "reading", Facility.Nature.FREE),
        "shop": facility(community, "shop", Facility.Nature.EARNING),
    }


@pytest.fixture
def a_day_of_business(community, spaces, users):
    """Bookings and meals on DAY as their modules record them; the marketplace sale through the ledger's services."""
    resident = make_resident(community, seq=21)
    service = Service.objects.create(
        community=community, facility=spaces["gym"], kind="venue", name="羽毛球场", price_fen=3000
    )
    start = dt.datetime.combine(DAY, dt.time(9), tzinfo=TZ)
    for i, status in enumerate([Booking.Status.ATTENDED, Booking.Status.ATTENDED, Booking.Status.NO_SHOW]):
        slot = Slot.objects.create(
            community=community,
            service=service,
            starts_at=start + dt.timedelta(hours=i),
            ends_at=start + dt.timedelta(hours=i + 1),
            capacity=4,
        )
        Booking.objects.create(
            community=community, slot=slot, resident=resident, status=status, price_fen=3000, created_at=start
        )
    menu = Menu.objects.create(
        community=community,
        canteen=spaces["canteen"],
        day=DAY,
        dishes="红烧肉",
        price_fen=1000,
        capacity=50,
        order_until=dt.time(10),
    )
    for i, (status, paid) in enumerate([("served", 300), ("served", 300), ("served", 1000), ("cancelled", 300)]):
        diner = make_resident(community, seq=30 + i)
        order = MealOrder.objects.create(
            community=community,
            menu=menu,
            resident=diner,
            status=status,
            age=75,
            price_fen=1000,
            resident_fen=paid,
            created_at=start,
        )
        MealCharge.objects.create(
            community=community, order=order, day=DAY, payer="resident", amount_fen=paid, key=f"m{i}r", created_at=start
        )
        if paid < 1000:
            MealCharge.objects.create(
                community=community,
                order=order,
                day=DAY,
                payer="economic_cooperative",
                amount_fen=1000 - paid,
                key=f"m{i}c",
                created_at=start,
            )
    merchant = Merchant.objects.create(community=community, name="小北鲜市", status="approved", applied_at=start)
    merchant.staff.add(users["merchant_staff"])
    product = Product.objects.create(merchant=merchant, community=community, name="大米", price_fen=10_000, stock=10)
    # the sale in yuan goes through the ledger as the marketplace posts it: paid in, ordered, redeemed
    ledger.money_transfer(
        community=community,
        from_account=ledger.external_account(community),
        to_account=ledger.resident_account(resident, "fen"),
        amount_fen=20_000,
        idempotency_key="top-up",
        memo="充值",
        kind="deposit",
        now=start,
    )
    order = ledger.order_place(
        actor=None, resident=resident, product=product, quantity=2, idempotency_key="rice", now=start
    )
    ledger.order_redeem(actor=users["merchant_staff"], merchant=merchant, code=order.code, now=start)
    return resident


def test_a_day_of_revenue_posts_once_per_source_and_space(community, spaces, a_day_of_business):
    first = services.revenue_collect(community=community, day=DAY)
    again = services.revenue_collect(community=community, day=DAY)
    # gym: 2 attended × 30; canteen diners 3+3+10; cooperative 7+7; commission 5% of 200
    assert first.fen == 6000 + 1600 + 1400 + 1000
    assert again.fen == first.fen and Posting.objects.count() == first.postings == 4
    assert services.company_account(community).balance == 10_000
    assert ledger_check(community_id=community.pk).ok


def test_every_yuan_on_the_statement_traces_to_ledger_entries(community, spaces, a_day_of_business, users):
    services.revenue_collect(community=community, day=DAY)
    support(
        users["community_admin"], community, spaces["reading"], "reading-2026-03", day=DAY, fen=2500, memo="阅览室水电"
    )
    statement = selectors.operating_statement(user=users["community_admin"], community=community, year=2026, month=3)
    company = services.company_account(community)
    entries = Entry.objects.filter(account=company)
    assert statement.traced and statement.net_fen == entries.aggregate(s=Sum("amount"))["s"] == 7500
    for line in statement.lines:
        mine = entries.filter(transaction__company_posting__facility_id=line.facility_id)
        assert line.revenue_fen == (mine.filter(amount__gt=0).aggregate(s=Sum("amount"))["s"] or 0)
        assert line.support_fen == -(mine.filter(amount__lt=0).aggregate(s=Sum("amount"))["s"] or 0)
        assert line.entries == mine.count()
    by_nature = {line.nature: line for line in statement.by_nature()}
    assert by_nature["earning"].revenue_fen == 7000  # the gym and the marketplace commission
    assert by_nature["affordable"].revenue_fen == 3000 and by_nature["free"].support_fen == 2500
    assert statement.earning_surplus_fen == 7000 and statement.others_need_fen == 0
    assert (
        selectors.operating_statement(user=users["community_admin"], community=community, year=2026, month=4).net_fen
        == 0
    )


def test_the_workbook_lists_every_entry_behind_the_statement(community, spaces, a_day_of_business, users):
    services.revenue_collect(community=community, day=DAY)
    statement = selectors.operating_statement(user=users["social_worker"], community=community, year=2026, month=3)
    import io

    wb = load_workbook(io.BytesIO(selectors.statement_xlsx(statement)))
    trace = wb.worksheets[2]
    amounts = [row[6] for row in trace.iter_rows(min_row=2, values_only=True)]
    assert round(sum(amounts) * 100) == statement.net_fen == 10_000
    assert len(amounts) == 4


def test_support_cannot_exceed_what_the_company_holds_and_bad_input_changes_nothing(community, spaces, users):
    admin = users["community_admin"]
    with pytest.raises(Conflict):
        support(admin, community, spaces["reading"], "a", day=DAY)
    for bad in (0, -1, 1.5, "10"):
        with pytest.raises(DomainError):
            support(admin, community, spaces["reading"], "b", day=DAY, fen=bad)
    with pytest.raises(NotAllowed):
        support(users["resident"], community, spaces["reading"], "c", day=DAY)
    assert not Transaction.objects.exists() and not Posting.objects.exists()


def test_the_statement_is_for_staff_the_operator_and_the_street(community, users):
    for role in ("community_admin", "social_worker", "grid_steward", "operator", "street_admin"):
        selectors.operating_statement(user=users[role], community=community, year=2026, month=3)
    for role in ("resident", "volunteer", "merchant_staff", "outsider"):
        with pytest.raises(NotFound):
            selectors.operating_statement(user=users[role], community=community, year=2026, month=3)
    with pytest.raises(DomainError):
        selectors.operating_statement(user=users["community_admin"], community=community, year=2026, month=13)


def test_a_day_not_over_is_not_posted(community):
    import django.utils.timezone as tz

    with pytest.raises(DomainError):
        services.revenue_collect(community=community, day=tz.localdate())


def test_the_workbook_writes_a_formula_space_name_as_text(community, spaces, a_day_of_business, users):
    import io

    payload = '=HYPERLINK("http://x","y")'
    Facility.objects.filter(pk=spaces["gym"].pk).update(name=payload)
    services.revenue_collect(community=community, day=DAY)
    statement = selectors.operating_statement(user=users["social_worker"], community=community, year=2026, month=3)
    wb = load_workbook(io.BytesIO(selectors.statement_xlsx(statement)))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert "'" + payload in [c.value for c in cells]
    assert not [c for c in cells if c.data_type == "f" or str(c.value).startswith("=")]


def test_reading_the_statement_opens_no_account(community, users):
    """The statement is a read: with the company account missing (a community whose ledger accounts were never
    opened) it shows an empty month and writes nothing."""
    from linli.ledger.models import Account

    Account.objects.filter(community=community, code="community_company").delete()
    before = Account.objects.count()
    statement = selectors.operating_statement(user=users["community_admin"], community=community, year=2026, month=3)
    assert statement.net_fen == 0 and statement.ledger_total_fen == 0
    assert Account.objects.count() == before
    assert selectors.company_account_find(community) is None
    services.company_account(community)  # the writing side opens it
    assert selectors.company_account_find(community) is not None
