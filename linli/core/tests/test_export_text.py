"""The spreadsheets and PDFs staff and residents download, read as a Chinese reader reads them: each one opened by the
role that may open it, with a row of real records in it, and its text (every sheet name and cell, every PDF page)
checked by the accessibility crawl's rules for raw codes, Python values and English words. The crawl itself reads the
files it finds two taps from home; these lie deeper (a settlement, a certificate, a receipt, an evaluation) or need
records the crawl's small community does not have."""

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.accounts.models import Role, RoleAssignment
from linli.conftest import ARTIFACTS, client_for, make_resident

from .accessibility import file_text, raw_text_problems

pytestmark = pytest.mark.django_db


def read(user: Any, url: str) -> str:
    """The text of the file at `url` as `user` downloads it in Chinese (kept in the artifacts); fails on an error or
    a file not read."""
    response = client_for(user, "zh-hans").get(url)
    assert response.status_code == 200, (url, response.status_code)
    ARTIFACTS.mkdir(exist_ok=True)  # kept to look at: "export-" and the file's name
    name = response["Content-Disposition"].split('filename="')[-1].rstrip('"')
    (ARTIFACTS / f"export-{name}").write_bytes(response.content)
    text = file_text(response.content, response["Content-Type"])
    assert text, url
    return text


def assert_reads_as_chinese(text: str, *, must_show: tuple[str, ...] = ()) -> None:
    assert raw_text_problems(text, chinese=True) == [], text
    for words in must_show:  # the records behind the file are in it (the check is not run on an empty file)
        assert words in text, (words, text)


def test_the_company_statement_workbook_reads_in_chinese(community, users):
    from linli.company import services
    from linli.company.tests.conftest import facility, support
    from linli.facilities.models import Booking, Service, Slot

    day = dt.date(2026, 3, 14)
    start = dt.datetime.combine(day, dt.time(9), tzinfo=dt.timezone(dt.timedelta(hours=8)))
    gym = facility(community, "gym", "earning")
    reading = facility(community, "reading", "free")
    for space, name in ((gym, "健身房"), (reading, "阅览室")):
        space.name = name
        space.save(update_fields=["name"])
    service = Service.objects.create(community=community, facility=gym, kind="venue", name="羽毛球场", price_fen=3000)
    slot = Slot.objects.create(
        community=community, service=service, starts_at=start, ends_at=start + dt.timedelta(hours=1), capacity=4
    )
    Booking.objects.create(
        community=community,
        slot=slot,
        resident=make_resident(community, seq=21),
        status=Booking.Status.ATTENDED,
        price_fen=3000,
        created_at=start,
    )
    services.revenue_collect(community=community, day=day)
    support(users["community_admin"], community, reading, "reading-2026-03", day=day, fen=2500, memo="阅览室水电")
    text = read(users["community_admin"], reverse("company:statement_xlsx", args=[community.code]) + "?month=2026-03")
    assert_reads_as_chinese(text, must_show=("阅览室水电", "\t共 1 笔\t"))


def test_the_merchant_settlement_workbook_reads_in_chinese(community, users, make_user):
    from linli.fund.tests.conftest import donate
    from linli.ledger import services
    from linli.ledger.models import Merchant, Product
    from linli.ledger.tests.conftest import fund

    merchant_user = make_user(display_name="李老板")
    merchant = Merchant.objects.create(
        community=community, name="小北鲜市", status=Merchant.Status.APPROVED, applied_at=timezone.now()
    )
    merchant.staff.add(merchant_user)
    RoleAssignment.objects.create(user=merchant_user, role=Role.MERCHANT_STAFF, community=community)
    product = Product.objects.create(merchant=merchant, community=community, name="青菜一把", price_points=10, stock=9)
    shopper = make_resident(community, name="钱阿姨", seq=3, user=make_user(Role.RESIDENT, community))
    fund(shopper, 30)
    order = services.order_place(actor=shopper.user, resident=shopper, product=product, idempotency_key="o")
    services.order_redeem(actor=merchant_user, merchant=merchant, code=order.code)
    donate(users["community_admin"], community, 100_00)  # the community fund pays the merchant for the points
    settlement = services.merchant_settle(actor=users["community_admin"], merchant=merchant, idempotency_key="s")
    text = read(merchant_user, reverse("ledger:settlement_xlsx", args=[merchant.pk, settlement.pk]))
    assert_reads_as_chinese(text, must_show=("小北鲜市", "青菜一把"))


def test_the_fund_receipt_pdf_reads_in_chinese(community, users):
    from linli.fund.tests.conftest import donate

    manager = users["community_admin"]
    donation = donate(manager, community, 1_200_50, purpose="助老")
    text = read(manager, reverse("fund:donation_pdf", args=[community.code, donation.pk]))
    assert_reads_as_chinese(text, must_show=(donation.receipt_no, "无忧传媒"))


def test_the_volunteer_certificate_pdf_reads_in_chinese(community, users, make_user):
    from linli.volunteering import services
    from linli.volunteering.tests.conftest import make_activity
    from linli.volunteering.tests.test_services import AT_START, signed_in

    volunteer = make_resident(community, name="王志远", seq=11, user=make_user(Role.VOLUNTEER, community))
    activity = make_activity(users["social_worker"], community, title="邻里节")
    record = signed_in(activity, volunteer)
    services.record_confirm(actor=users["social_worker"], record=record, now=AT_START + dt.timedelta(hours=2))
    text = read(volunteer.user, reverse("volunteering:certificate", args=[AT_START.year]))
    assert_reads_as_chinese(text, must_show=("王志远", "小时。"))  # a Chinese sentence ends with 。


@pytest.mark.parametrize("name", ["cockpit:evaluation_pdf", "cockpit:evaluation_xlsx"])
def test_the_cockpit_evaluation_files_read_in_chinese(community, users, name):
    from linli.cockpit.selectors import last_complete_month
    from linli.cockpit.services import snapshot_refresh

    for seq in range(4, 8):
        make_resident(community, name=f"老人{seq}", birth=dt.date(1944, 3, seq), seq=seq)
    snapshot_refresh(community=community, month=last_complete_month())  # the month an evaluation grades by default
    text = read(users["community_admin"], reverse(name, args=[community.code]))
    # every indicator is listed, by its name (one of them counts the elderly)
    assert_reads_as_chinese(text, must_show=(community.name, "老年"))


def test_the_planning_run_workbook_reads_in_chinese(community, street, users, django_capture_on_commit_callbacks):
    from linli.planning.services import plan_run_request

    for seq in range(4, 8):
        make_resident(community, name=f"老人{seq}", birth=dt.date(1944, 3, seq), seq=seq)
    street_admin = users["street_admin"]
    with django_capture_on_commit_callbacks(execute=True):
        run = plan_run_request(actor=street_admin, street=street)
    run.refresh_from_db()
    assert run.status == "done", run.status
    text = read(street_admin, reverse("planning:export", args=[run.pk]))
    assert_reads_as_chinese(text, must_show=(community.name,))


def test_the_check_reads_a_pdf_s_text():
    """A PDF is read page by page, so English in a Chinese PDF fails like it does on a page."""
    from weasyprint import HTML

    pdf = HTML(string='<html lang="zh"><body><p>收据 Receipt total_fen</p></body></html>').write_pdf()
    text = file_text(pdf, "application/pdf")
    assert text is not None and "收据" in text
    flagged = raw_text_problems(text, chinese=True)
    assert any("total_fen" in p for p in flagged) and any("Receipt" in p for p in flagged)
    assert io.BytesIO(pdf).read(5) == b"%PDF-"
