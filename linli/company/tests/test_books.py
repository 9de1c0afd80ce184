"""The company's books kept by hand: postings by space and nature, reversals, the monthly close, the statement
from the postings alone, the permission matrix, the API and the pages."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.utils import timezone
from openpyxl import load_workbook

from linli.audit.models import AuditEntry
from linli.company import selectors, services
from linli.company.models import MonthClose, Posting
from linli.conftest import EVERY_ROLE, client_for
from linli.core.errors import Conflict, DomainError, NotAllowed, NotFound
from linli.facilities.models import Facility
from linli.ledger.checks import ledger_check
from linli.ledger.models import Entry, Transaction

from .conftest import facility, support

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 4, 10, 10, tzinfo=TZ)
MARCH = dt.date(2026, 3, 14)


@pytest.fixture
def spaces(community):
    return {
        "shop": facility(community, "小北鲜市", Facility.Nature.EARNING),
        "yizhan": facility(community, "婴幼儿驿站", Facility.Nature.EARNING),
        "reading": facility(community, "邻里书房", Facility.Nature.FREE),
    }


def post(actor, community, key, *, source="rent", fen=800_000, day=MARCH, space=None, direction="revenue", **kw):
    return services.entry_post(
        actor=actor,
        community=community,
        direction=direction,
        source=source,
        amount_fen=fen,
        day=day,
        facility=space,
        counterparty=kw.pop("counterparty", "某某商户"),
        idempotency_key=key,
        now=NOW,
        **kw,
    )


def test_the_statement_is_the_sum_of_the_postings_by_space_item_and_nature(community, spaces, users):
    admin = users["community_admin"]
    post(admin, community, "rent", space=spaces["shop"], fen=800_000)
    post(admin, community, "fees", source="childcare", space=spaces["yizhan"], fen=2_200_050)
    post(admin, community, "tix", source="tickets", fen=30_000, day=dt.date(2026, 3, 30))
    post(admin, community, "staff", source="staff", direction="expense", fen=450_000)
    post(admin, community, "power", source="utilities", direction="expense", space=spaces["reading"], fen=12_345)
    support(admin, community, spaces["reading"], "s1", day=MARCH, fen=100_000, memo="书房运营补贴")
    again = post(admin, community, "rent", space=spaces["shop"], fen=800_000)  # a retry posts nothing
    assert Posting.objects.filter(pk=again.pk).count() == 1 and Posting.objects.count() == 6

    s = selectors.operating_statement(user=admin, community=community, year=2026, month=3)
    account = services.company_account(community)
    assert s.traced and s.net_fen == Entry.objects.filter(account=account).aggregate(t=Sum("amount"))["t"]
    assert s.revenue_fen == 800_000 + 2_200_050 + 30_000
    assert s.support_fen == 450_000 + 12_345 + 100_000
    items = {i.source: (i.revenue_fen, i.expense_fen) for i in s.sources}
    assert items["rent"] == (800_000, 0) and items["childcare"] == (2_200_050, 0) and items["staff"] == (0, 450_000)
    assert items["support"] == (0, 100_000)
    nature = {line.nature: line for line in s.by_nature()}
    assert nature["earning"].revenue_fen == 3_000_050 and nature["free"].support_fen == 112_345
    reading = next(line for line in s.lines if line.facility_id == spaces["reading"].pk)
    assert reading.support_fen == 112_345 and reading.entries == 2
    year = selectors.operating_statement(user=admin, community=community, year=2026, month=None)
    assert year.net_fen == s.net_fen and year.period == "2026"
    assert selectors.operating_statement(user=admin, community=community, year=2026, month=4).net_fen == 0
    assert ledger_check(community_id=community.pk).ok

    wb = load_workbook(io.BytesIO(selectors.statement_xlsx(s)))
    headers = [c.value for c in wb.worksheets[0][2]]
    assert all(h and not any(ch.isascii() and ch.isalpha() for ch in h) for h in headers), headers
    by_item = [r for r in wb.worksheets[3].iter_rows(min_row=2, values_only=True)]
    assert round(sum(r[1] for r in by_item) * 100) == s.revenue_fen


def test_bad_input_is_refused_with_nothing_saved(community, other_community, spaces, users):
    admin = users["community_admin"]
    elsewhere = facility(other_community, "别处", Facility.Nature.EARNING)
    before = (Posting.objects.count(), Transaction.objects.count(), AuditEntry.objects.count())
    cases = [
        ({"fen": 0}, DomainError),
        ({"fen": -5}, DomainError),
        ({"fen": 1.5}, DomainError),
        ({"fen": "100"}, DomainError),
        ({"day": dt.date(2026, 4, 11)}, DomainError),  # tomorrow
        ({"source": "staff"}, DomainError),  # an expense item posted as revenue
        ({"source": "bookings"}, DomainError),  # collected by the daily job, not typed
        ({"direction": "sideways"}, DomainError),
        ({"counterparty": "  "}, DomainError),
        ({"note": "长" * 201}, DomainError),
        ({"space": elsewhere}, NotFound),
        ({"evidence": SimpleUploadedFile("x.exe", b"MZ")}, DomainError),
    ]
    for i, (change, error) in enumerate(cases):
        with pytest.raises(error):
            post(admin, community, f"bad{i}", **change)
    with pytest.raises(DomainError):  # support to an earning space
        support(admin, community, spaces["shop"], "k", day=MARCH)
    assert (Posting.objects.count(), Transaction.objects.count(), AuditEntry.objects.count()) == before


def test_a_correction_is_a_reversal_never_an_edit(community, spaces, users):
    admin = users["community_admin"]
    posting = post(
        admin,
        community,
        "rent",
        space=spaces["shop"],
        fen=800_000,
        evidence=SimpleUploadedFile("发票.pdf", b"%PDF-1.4"),
    )
    assert posting.evidence.name.endswith(".pdf")
    reversal = services.posting_reverse(actor=users["operator"], posting=posting, reason="租金录错", now=NOW)
    assert reversal.reverses == posting and reversal.day == dt.date(2026, 4, 10)
    assert reversal.transaction.reverses == posting.transaction
    posting.refresh_from_db()
    assert posting.transaction.entries.count() == 2  # the original stays as it was
    april = selectors.operating_statement(user=admin, community=community, year=2026, month=4)
    assert april.revenue_fen == -800_000 and april.traced
    assert selectors.operating_statement(user=admin, community=community, year=2026, month=None).net_fen == 0
    with pytest.raises(Conflict):
        services.posting_reverse(actor=admin, posting=posting, reason="again", now=NOW)
    with pytest.raises(DomainError):
        services.posting_reverse(actor=admin, posting=reversal, reason="undo", now=NOW)
    with pytest.raises(DomainError):
        services.posting_reverse(actor=admin, posting=posting, reason=" ", now=NOW)
    assert AuditEntry.objects.filter(action="company.reverse").count() == 1


def test_a_closed_month_refuses_postings_and_reversals_into_it(community, spaces, users):
    admin = users["community_admin"]
    rent = post(admin, community, "rent", space=spaces["shop"])
    with pytest.raises(DomainError):  # the month is not over
        services.month_close(actor=admin, community=community, year=2026, month=4, now=NOW)
    closed = services.month_close(actor=users["operator"], community=community, year=2026, month=3, now=NOW)
    assert closed.revenue_fen == 800_000 and closed.expense_fen == 0
    before = (Posting.objects.count(), Transaction.objects.count())
    with pytest.raises(Conflict) as refused:
        post(admin, community, "late", day=dt.date(2026, 3, 31))
    assert refused.value.code == "month_closed" and "2026-03" in str(refused.value.message)
    with pytest.raises(Conflict):
        support(admin, community, spaces["reading"], "k", day=MARCH)
    with pytest.raises(Conflict):
        services.posting_reverse(actor=admin, posting=rent, reason="x", day=dt.date(2026, 3, 31), now=NOW)
    with pytest.raises(Conflict):
        services.month_close(actor=admin, community=community, year=2026, month=3, now=NOW)
    assert (Posting.objects.count(), Transaction.objects.count()) == before
    # April is open: the correction goes there
    services.posting_reverse(actor=admin, posting=rent, reason="x", now=NOW)
    post(admin, community, "april", day=dt.date(2026, 4, 1))
    assert MonthClose.objects.count() == 1


POST_ROLES = {"social_worker", "community_admin", "operator"}
CLOSE_ROLES = {"community_admin", "operator"}


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_who_may_post_close_and_see_the_books(community, spaces, users, role):
    user = users[role]
    if role in POST_ROLES:
        post(user, community, f"k-{role}")
    else:
        with pytest.raises(NotAllowed):
            post(user, community, f"k-{role}")
    if role in CLOSE_ROLES:
        services.month_close(actor=user, community=community, year=2026, month=2, now=NOW)
    else:
        with pytest.raises(NotAllowed):
            services.month_close(actor=user, community=community, year=2026, month=2, now=NOW)
    sees = role in {"grid_steward", "social_worker", "community_admin", "operator", "street_admin"}
    page = client_for(user).get(f"/company/{community.code}/books/?month=2026-03")
    assert page.status_code == (200 if sees else 404)


def test_the_api_posts_reverses_closes_and_hides_other_communities(community, other_community, spaces, users):
    api = client_for(users["operator"])
    base = f"/api/v1/company/{community.code}"
    body = {
        "direction": "revenue",
        "source": "rent",
        "amount_fen": 500_000,
        "day": "2026-03-01",
        "counterparty": "小北鲜市",
        "facility_id": spaces["shop"].pk,
    }
    made = api.post(base + "/postings", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="a1")
    assert made.status_code == 201 and made.json()["amount_fen"] == 500_000
    again = api.post(base + "/postings", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="a1")
    assert again.json()["id"] == made.json()["id"]
    bad = api.post(
        base + "/postings", {**body, "amount_fen": 0}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="a2"
    )
    assert bad.status_code == 400 and "amount_fen" in bad.json()["error"]["fields"], bad.json()
    statement = api.get(base + "/statement?month=2026-03").json()
    assert (
        statement["revenue_fen"] == 500_000
        and statement["traced"]
        and statement["by_item"][0]["label"] == "商铺及场地租金"
    )
    assert api.get(base + "/statement?month=2026").json()["period"] == "2026"
    rev = api.post(base + f"/postings/{made.json()['id']}/reverse", {"reason": "录错"}, content_type="application/json")
    assert rev.status_code == 201 and rev.json()["amount_fen"] == -500_000
    closed = api.post(base + "/closes", {"month": "2026-02"}, content_type="application/json")
    assert closed.status_code == 201 and api.get(base + "/closes").json()[0]["month"] == "2026-02"
    refused = api.post(
        base + "/postings", {**body, "day": "2026-02-10", "idempotency_key": "a3"}, content_type="application/json"
    )
    assert refused.status_code == 409 and "已结账" in refused.json()["error"]["message"]
    assert client_for(users["resident"]).post(
        base + "/postings", body, content_type="application/json"
    ).status_code in (403, 404)
    elsewhere = facility(other_community, "别处", Facility.Nature.EARNING)
    foreign = api.post(base + "/postings", {**body, "facility_id": elsewhere.pk}, content_type="application/json")
    assert foreign.status_code == 404
    assert api.get(f"/api/v1/company/{other_community.code}/statement").status_code == 404


def test_the_books_page_posts_in_yuan_and_closes_in_elder_mode(community, spaces, users):
    web = client_for(users["operator"])
    web.cookies["linli_elder"] = "1"
    url = f"/company/{community.code}/books/?month=2026-03"
    page = web.get(url)
    assert page.status_code == 200 and "记一笔" in page.content.decode()
    form = {
        "source": "rent",
        "facility": spaces["shop"].pk,
        "amount_fen": "8000.50",
        "day": "2026-03-05",
        "counterparty": "小北鲜市",
        "idempotency_key": "p1",
    }
    done = web.post(f"/company/{community.code}/books/post/?month=2026-03", form)
    assert done.status_code == 302 and Posting.objects.get().transaction.entries.filter(amount=800_050).exists()
    refused = web.post(
        f"/company/{community.code}/books/post/?month=2026-03", {**form, "amount_fen": "-3", "idempotency_key": "p2"}
    )
    assert refused.status_code == 200 and "金额" in refused.content.decode() and Posting.objects.count() == 1
    shown = web.get(url).content.decode()
    assert "8,000.50" in shown and "rent" not in shown.replace('value="rent"', "")
    closed = web.post(f"/company/{community.code}/books/close/?month=2026-03")
    assert closed.status_code == 302 and MonthClose.objects.filter(month=dt.date(2026, 3, 1)).exists()
    late = web.post(f"/company/{community.code}/books/post/?month=2026-03", {**form, "idempotency_key": "p3"})
    assert "已结账" in late.content.decode() and Posting.objects.count() == 1
    assert client_for(users["operator"], "en").get(url).status_code == 200


def test_the_support_form_shows_the_books_again_with_its_refusal_or_pays(community, spaces, users):
    web = client_for(users["operator"], "en")
    books = f"/company/{community.code}/books/"
    today = timezone.localdate().isoformat()
    paid_for = {"facility": spaces["reading"].pk, "amount_fen": "300", "day": today, "memo": "书房运营补贴"}
    short = web.post(books + "support/", {**paid_for, "idempotency_key": "s1"})
    assert (
        short.status_code == 200 and "cannot pay" in short.content.decode() and "书房运营补贴" in short.content.decode()
    )
    rent = {
        "source": "rent",
        "facility": spaces["shop"].pk,
        "amount_fen": "500",
        "day": today,
        "counterparty": "小北鲜市",
    }
    assert web.post(books + "post/", {**rent, "idempotency_key": "p1"}).status_code == 302
    paid = web.post(books + "support/", {**paid_for, "idempotency_key": "s2"}, follow=True)
    assert "Support paid." in paid.content.decode()
