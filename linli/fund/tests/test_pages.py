"""Pages in Chinese, English and elder mode; whole flows through the forms; bad input refused with a clear
message in both languages and nothing saved."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.conftest import client_for
from linli.fund import services
from linli.fund.models import Application, Donation, GrantRound, Review, Tranche
from linli.ledger.models import Entry

from .conftest import approved, donate, key, state, submitted

pytestmark = pytest.mark.django_db
BASE = "/fund/shibei"


def score_all(application: Application, reviewers: list[Any]) -> None:
    for r in reviewers:
        services.review_score(actor=r, application=application, score=80, comment="可行")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("elder", [False, True])
def test_pages_render_for_everyone_who_uses_the_fund(
    community, manager, applicant, applicant_user, reviewers, conflicted, open_round, language, elder
):
    donation = donate(manager, community, 120_050)
    application = submitted(applicant_user, open_round, applicant)
    score_all(application, reviewers)
    grant = services.application_decide(actor=manager, application=application, approve=True, approved_fen=200_000)
    services.tranche_pay(actor=manager, application=grant, amount_fen=100_000, idempotency_key=key())
    services.report_submit(actor=applicant_user, application=grant, period="五月", body="送餐120次", spent_fen=50_000)
    other = submitted(applicant_user, open_round, applicant, fen=100_000)
    pages = {
        manager: [
            "/",
            "/manage/",
            "/donations/new/",
            f"/donations/{donation.pk}/",
            "/rounds/new/",
            f"/rounds/{open_round.pk}/",
            f"/applications/{grant.pk}/",
            f"/applications/{other.pk}/",
        ],
        applicant_user: [
            "/",
            "/rounds/",
            f"/rounds/{open_round.pk}/",
            f"/rounds/{open_round.pk}/apply/",
            "/applications/mine/",
            f"/applications/{grant.pk}/",
        ],
        reviewers[0]: ["/review/", f"/rounds/{open_round.pk}/", f"/applications/{other.pk}/"],
        conflicted: ["/review/", f"/applications/{other.pk}/"],
    }
    for user, urls in pages.items():
        c = client_for(user, language)
        if elder:
            c.cookies["linli_elder"] = "1"
        for url in urls:
            r = c.get(BASE + url)
            assert r.status_code == 200, (url, r.status_code)
            html = r.content.decode()
            assert ('class="elder' in html) == elder, url
            if language == "zh-hans":
                for english in ("Community fund", "Open rounds", "My applications", "Submit", "Amount"):
                    assert f">{english}<" not in html, (url, english)


def test_staff_record_a_donation_in_yuan_see_the_receipt_and_the_public_page_shows_it(community, manager):
    c = client_for(manager, "en")
    form = c.get(f"{BASE}/donations/new/").content.decode()
    assert 'name="idempotency_key"' in form
    posted = {
        "donor_kind": "native_abroad",
        "donor_name": "旅欧侨胞陈先生",
        "amount_fen": "1200.50",
        "received_on": timezone.localdate().isoformat(),
        "purpose": "助老",
        "idempotency_key": "page-1",
    }
    r = c.post(f"{BASE}/donations/new/", posted, follow=True)
    donation = Donation.objects.get()
    assert donation.amount_fen == 120_050
    html = r.content.decode()
    assert r.redirect_chain[-1][0] == f"{BASE}/donations/{donation.pk}/"
    assert donation.receipt_no in html and "¥1,200.50" in html and "data-print" in html
    # the ledger: a deposit of exactly that many fen into the fund's account
    entry = Entry.objects.get(transaction=donation.transaction, account=services.fund_account(community))
    assert entry.amount == 120_050 and donation.transaction.kind == "deposit"
    # the same form posted again (a double click) records it once
    c.post(f"{BASE}/donations/new/", posted)
    assert Donation.objects.count() == 1
    public = client_for(None, "en").get(f"{BASE}/").content.decode()
    assert donation.receipt_no in public and "旅欧侨胞陈先生" in public
    assert 'data-testid="raised">¥1,200.50<' in public


def test_the_receipt_prints_as_a_pdf(community, manager):
    donation = donate(manager, community, 5_000_00)
    r = client_for(manager).get(f"{BASE}/donations/{donation.pk}/receipt.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF") and donation.receipt_no in r["Content-Disposition"]


def test_an_anonymous_donor_is_named_only_in_the_books(community, manager):
    c = client_for(manager, "en")
    c.post(
        f"{BASE}/donations/new/",
        {
            "donor_kind": "resident",
            "donor_name": "李阿姨",
            "anonymous": "on",
            "amount_fen": "200",
            "received_on": timezone.localdate().isoformat(),
            "idempotency_key": "anon",
        },
    )
    assert Donation.objects.get().anonymous
    assert "李阿姨" not in client_for(None, "en").get(f"{BASE}/").content.decode()
    assert "李阿姨" in c.get(f"{BASE}/manage/").content.decode()


AMOUNTS = [
    ("abc", "Enter an amount in yuan with at most two decimals, e.g. 1200 or 1200.50."),
    ("0", "The amount must be greater than zero."),
    ("-5", "The amount must be greater than zero."),
    ("1.234", "Enter an amount in yuan with at most two decimals, e.g. 1200 or 1200.50."),
]


@pytest.mark.parametrize(("amount", "message"), AMOUNTS)
def test_bad_donation_amounts_are_refused_clearly_in_both_languages(community, manager, amount, message):
    before = state()
    for language in ("en", "zh-hans"):
        r = client_for(manager, language).post(
            f"{BASE}/donations/new/",
            {
                "donor_kind": "enterprise",
                "donor_name": "无忧传媒",
                "amount_fen": amount,
                "received_on": timezone.localdate().isoformat(),
                "idempotency_key": f"bad-{language}",
            },
        )
        assert r.status_code == 200
        html = r.content.decode()
        assert 'class="error"' in html
        if language == "en":
            assert message in html
        else:
            assert message not in html and _zh(message) in html
    assert state() == before


def _zh(message: str) -> str:
    from django.utils import translation

    with translation.override("zh-hans"):
        zh = translation.gettext(message)
    assert zh != message, f"untranslated: {message}"
    return zh


def test_a_round_closing_before_it_opens_is_refused(community, manager, reviewers):
    today = timezone.localdate()
    before = state()
    for language in ("en", "zh-hans"):
        r = client_for(manager, language).post(
            f"{BASE}/rounds/new/",
            {
                "name": "倒着的一期",
                "categories": ["services", "safety"],
                "budget_fen": "100000",
                "opens_on": today.isoformat(),
                "closes_on": (today - dt.timedelta(days=1)).isoformat(),
                "min_reviews": 3,
                "reviewers": [reviewers[0].pk],
            },
        )
        html = r.content.decode()
        expected = "A round must close after it opens."
        assert (expected if language == "en" else _zh(expected)) in html
    assert state() == before
    for bad in AMOUNTS:
        r = client_for(manager, "en").post(
            f"{BASE}/rounds/new/",
            {"name": "一期", "categories": ["services"], "budget_fen": bad[0], "opens_on": today, "closes_on": today},
        )
        assert bad[1] in r.content.decode()
    assert state() == before


def test_staff_open_a_round_with_categories_budget_dates_and_reviewers(community, manager, reviewers):
    today = timezone.localdate()
    r = client_for(manager, "en").post(
        f"{BASE}/rounds/new/",
        {
            "name": "2026年第二期",
            "categories": ["party_building", "safety"],
            "budget_fen": "250000.00",
            "opens_on": today.isoformat(),
            "closes_on": (today + dt.timedelta(days=20)).isoformat(),
            "min_reviews": 2,
            "reviewers": [u.pk for u in reviewers[:2]],
        },
        follow=True,
    )
    grant_round = GrantRound.objects.get(name="2026年第二期")
    assert grant_round.budget_fen == 25_000_000 and grant_round.categories == ["party_building", "safety"]
    assert set(grant_round.reviewers.all()) == set(reviewers[:2]) and grant_round.min_reviews == 2
    assert "Safety (平安)" in r.content.decode()


def test_an_applicant_applies_follows_the_status_and_reports_after_approval(
    community, manager, applicant, applicant_user, reviewers, open_round
):
    c = client_for(applicant_user, "en")
    assert "本期强社基金项目" in c.get(f"{BASE}/rounds/").content.decode()
    r = c.post(
        f"{BASE}/rounds/{open_round.pk}/apply/",
        {
            "applicant": applicant.pk,
            "title": "楼道灯光改造",
            "category": "safety",
            "requested_fen": "8000",
            "summary": "为3幢、5幢楼道更换感应灯。",
        },
        follow=True,
    )
    application = Application.objects.get(title="楼道灯光改造")
    assert application.requested_fen == 800_000 and application.submitted_by == applicant_user
    assert "Your application is submitted." in r.content.decode()
    mine = c.get(f"{BASE}/applications/mine/").content.decode()
    assert f'data-testid="status-{application.pk}">Submitted<' in mine
    # no report before approval: the form is not offered
    assert 'value="report"' not in c.get(f"{BASE}/applications/{application.pk}/").content.decode()
    donate(manager, community, 1_000_000)
    score_all(application, reviewers)
    services.application_decide(actor=manager, application=application, approve=True, approved_fen=600_000)
    services.tranche_pay(actor=manager, application=application, amount_fen=300_000, idempotency_key=key())
    assert f'data-testid="status-{application.pk}">Approved<' in c.get(f"{BASE}/applications/mine/").content.decode()
    r = c.post(
        f"{BASE}/applications/{application.pk}/report/",
        {"period": "2026年5月", "body": "已更换感应灯40盏。", "spent_fen": "2500.00"},
        follow=True,
    )
    assert "Your report is submitted." in r.content.decode()
    report = application.reports.get()
    assert report.spent_fen == 250_000 and report.transaction is not None
    public = client_for(None, "en").get(f"{BASE}/").content.decode()
    assert "楼道灯光改造" in public


def test_an_applicant_who_is_no_partner_is_told_how_to_become_one(community, users, open_round):
    c = client_for(users["resident"], "en")
    assert 'data-testid="not-a-partner"' in c.get(f"{BASE}/rounds/").content.decode()
    r = c.get(f"{BASE}/rounds/{open_round.pk}/apply/")
    assert r.status_code == 403 and "Only a community partner may apply" in r.content.decode()


def test_a_reviewer_scores_once_with_a_comment(community, applicant, applicant_user, reviewers, open_round):
    application = submitted(applicant_user, open_round, applicant)
    c = client_for(reviewers[0], "en")
    assert f"/applications/{application.pk}/" in c.get(f"{BASE}/review/").content.decode()
    for bad in ("101", "-1", "很好"):
        r = c.post(f"{BASE}/applications/{application.pk}/score/", {"score": bad})
        assert 'class="error"' in r.content.decode() and not Review.objects.exists()
    r = c.post(
        f"{BASE}/applications/{application.pk}/score/",
        {"score": "86", "comment": "计划清楚"},
        follow=True,
    )
    assert "Your score is recorded." in r.content.decode()
    assert Review.objects.get().score == 86 and Review.objects.get().comment == "计划清楚"
    r = c.post(f"{BASE}/applications/{application.pk}/score/", {"score": "50"})
    assert "You have already scored this application." in r.content.decode()
    assert Review.objects.get().score == 86


def test_a_conflicted_reviewer_sees_the_refusal_and_nothing_is_saved(
    community, applicant, applicant_user, conflicted, open_round
):
    application = submitted(applicant_user, open_round, applicant)
    c = client_for(conflicted, "en")
    page = c.get(f"{BASE}/applications/{application.pk}/").content.decode()
    assert 'data-testid="conflict"' in page and "邻里帮帮团" in page
    assert f'data-testid="conflict-{application.pk}"' in c.get(f"{BASE}/review/").content.decode()
    assert f'href="{BASE}/review/"' in page  # the reviewer's own list is a click away
    before = state()
    for language in ("en", "zh-hans"):
        r = client_for(conflicted, language).post(f"{BASE}/applications/{application.pk}/score/", {"score": "95"})
        html = r.content.decode()
        refusal = "You have a conflict of interest with this applicant and may not score it"
        assert (refusal if language == "en" else _zh(refusal + ": %(why)s").split("：")[0].split(":")[0]) in html
    assert state() == before


def test_a_reviewer_declares_a_conflict_and_may_then_not_score(
    community, applicant, applicant_user, reviewers, open_round
):
    application = submitted(applicant_user, open_round, applicant)
    c = client_for(reviewers[1], "en")
    r = c.post(f"{BASE}/applications/{application.pk}/conflict/", {"reason": "申请方负责人是我表姐"}, follow=True)
    assert "Your conflict of interest is declared" in r.content.decode()
    assert "申请方负责人是我表姐" in r.content.decode()  # the reason now shows as a conflict
    before = state()
    r = c.post(f"{BASE}/applications/{application.pk}/score/", {"score": "90"})
    assert "conflict of interest" in r.content.decode() and state() == before
    r = c.post(f"{BASE}/applications/{application.pk}/conflict/", {"reason": "再来一次"})
    assert "already declared" in r.content.decode() and state() == before


def test_the_round_page_shows_mean_count_and_each_reviewers_score(
    community, manager, applicant, applicant_user, reviewers, open_round
):
    application = submitted(applicant_user, open_round, applicant)
    for r, s in zip(reviewers[:2], (70, 91), strict=True):
        services.review_score(actor=r, application=application, score=s)
    html = client_for(manager, "en").get(f"{BASE}/rounds/{open_round.pk}/").content.decode()
    assert f'data-testid="mean-{application.pk}">80.5 <small>(2/3)</small>' in html
    assert f"{reviewers[0]}: 70" in html and f"{reviewers[1]}: 91" in html
    # a reviewer sees the list but not the others' scores
    mine = client_for(reviewers[2], "en").get(f"{BASE}/rounds/{open_round.pk}/").content.decode()
    assert application.title in mine and "80.5" not in mine


def test_decide_approve_within_the_request_or_reject_with_a_reason(
    community, manager, applicant, applicant_user, reviewers, open_round
):
    application = submitted(applicant_user, open_round, applicant, fen=300_000)
    score_all(application, reviewers)
    url = f"{BASE}/applications/{application.pk}/"
    before = state()
    for language in ("en", "zh-hans"):
        c = client_for(manager, language)
        r = c.post(url + "decide/", {"decision": "approve", "approved_fen": "3000.01"})
        message = "A grant cannot be larger than what was asked for."
        assert (message if language == "en" else _zh(message)) in r.content.decode()
        r = c.post(url + "decide/", {"decision": "reject", "note": ""})
        message = "Give the applicant a reason for the rejection."
        assert (message if language == "en" else _zh(message)) in r.content.decode()
        r = c.post(url + "decide/", {"decision": "approve", "approved_fen": ""})
        message = "Enter the amount granted."
        assert (message if language == "en" else _zh(message)) in r.content.decode()
    assert state() == before
    r = client_for(manager, "en").post(
        url + "decide/", {"decision": "approve", "approved_fen": "2500", "note": "同意"}, follow=True
    )
    assert "The application is approved." in r.content.decode()
    application.refresh_from_db()
    assert application.status == "approved" and application.approved_fen == 250_000


def test_reject_with_a_reason(community, manager, applicant, applicant_user, reviewers, open_round):
    application = submitted(applicant_user, open_round, applicant)
    score_all(application, reviewers)
    client_for(manager, "en").post(
        f"{BASE}/applications/{application.pk}/decide/", {"decision": "reject", "note": "预算不清"}
    )
    application.refresh_from_db()
    assert (application.status, application.decision_note, application.approved_fen) == ("rejected", "预算不清", 0)
    mine = client_for(applicant_user, "en").get(f"{BASE}/applications/{application.pk}/").content.decode()
    assert "预算不清" in mine and 'data-testid="status">Rejected<' in mine


def test_pay_tranches_never_above_what_remains(community, manager, grant_round, applicant, applicant_user, reviewers):
    donate(manager, community, 1_000_000)
    grant = approved(manager, grant_round, applicant, applicant_user, reviewers, 300_000)
    url = f"{BASE}/applications/{grant.pk}/"
    c = client_for(manager, "en")
    r = c.post(url + "pay/", {"amount_fen": "2000", "idempotency_key": "t1"}, follow=True)
    assert "Tranche 1 is paid." in r.content.decode()
    assert 'data-testid="left">¥1,000<' in r.content.decode()
    before = state()
    for language in ("en", "zh-hans"):
        r = client_for(manager, language).post(url + "pay/", {"amount_fen": "1000.01", "idempotency_key": "t2"})
        html = r.content.decode()
        if language == "en":
            assert "This would pay ¥3000.01 of a grant of ¥3000; ¥1000 is left to pay." in html
        else:
            assert "¥1000" in html and "This would pay" not in html
        for bad, message in AMOUNTS:
            r = client_for(manager, language).post(url + "pay/", {"amount_fen": bad, "idempotency_key": "t3"})
            assert (message if language == "en" else _zh(message)) in r.content.decode()
    assert state() == before
    c.post(url + "pay/", {"amount_fen": "1000", "idempotency_key": "t4"})
    assert [t.amount_fen for t in Tranche.objects.order_by("number")] == [200_000, 100_000]
    assert 'value="pay"' not in c.get(url).content.decode()  # nothing left to pay: no form
