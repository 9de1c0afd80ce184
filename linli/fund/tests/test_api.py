"""The API's bad input: one error shape, a clear message in the request's language, nothing saved."""

import datetime as dt

import pytest
from django.utils import timezone

from linli.conftest import client_for
from linli.fund import services
from linli.fund.models import Donation
from linli.ledger.models import Entry

from .conftest import state, submitted

pytestmark = pytest.mark.django_db
API = "/api/v1/fund/shibei"
JSON = "application/json"


@pytest.mark.parametrize(
    ("amount", "status", "en", "zh"),
    [
        ("abc", 422, "amount_fen: Enter a whole number.", "amount_fen: 请输入整数。"),
        (1.234, 422, "amount_fen: Enter a whole number.", "amount_fen: 请输入整数。"),
        (0, 400, "The amount must be greater than zero.", "数额必须大于零。"),
        (-5, 400, "The amount must be greater than zero.", "数额必须大于零。"),
    ],
)
def test_bad_donation_amounts(manager, community, amount, status, en, zh):
    before = state()
    body = {"donor_kind": "resident", "donor_name": "居民", "amount_fen": amount, "received_on": "2026-05-01"}
    for language, message in (("en", en), ("zh-hans", zh)):
        r = client_for(manager, language).post(f"{API}/donations", body, content_type=JSON, HTTP_IDEMPOTENCY_KEY="d")
        assert r.status_code == status
        error = r.json()["error"]
        assert error["message"] == message and "amount_fen" in error["fields"]
    assert state() == before


def test_a_donation_through_the_api_is_a_ledger_deposit_shown_on_the_public_summary(manager, community):
    body = {"donor_kind": "foundation", "donor_name": "海亮基金会", "amount_fen": 120_050, "received_on": "2026-05-01"}
    r = client_for(manager).post(f"{API}/donations", body, content_type=JSON, HTTP_IDEMPOTENCY_KEY="hl-1")
    assert r.status_code == 201
    again = client_for(manager).post(f"{API}/donations", body, content_type=JSON, HTTP_IDEMPOTENCY_KEY="hl-1")
    assert again.status_code == 200 and again.json()["id"] == r.json()["id"] and Donation.objects.count() == 1
    entries = Entry.objects.filter(transaction_id=r.json()["transaction_id"])
    assert sorted(e.amount for e in entries) == [-120_050, 120_050]
    summary = client_for(None).get(f"{API}/summary").json()
    assert summary["raised_fen"] == 120_050 and summary["held_fen"] == 120_050 and summary["donations"] == 1
    missing = client_for(manager, "en").post(f"{API}/donations", body, content_type=JSON)
    assert missing.status_code == 400 and missing.json()["error"]["fields"] == {
        "idempotency_key": ["This field is required."]
    }


def test_a_round_closing_before_it_opens(manager, community):
    today = timezone.localdate()
    body = {
        "name": "倒着的一期",
        "budget_fen": 100_000,
        "opens_on": today.isoformat(),
        "closes_on": (today - dt.timedelta(days=1)).isoformat(),
    }
    before = state()
    en = client_for(manager, "en").post(f"{API}/rounds", body, content_type=JSON)
    assert en.status_code == 400 and en.json()["error"]["fields"] == {
        "closes_on": ["A round must close after it opens."]
    }
    zh = client_for(manager, "zh-hans").post(f"{API}/rounds", body, content_type=JSON)
    assert zh.status_code == 400 and zh.json()["error"]["message"] != "A round must close after it opens."
    stranger = client_for(manager).post(f"{API}/rounds", {**body, "reviewer_ids": [999_999]}, content_type=JSON)
    assert stranger.status_code == 404 and "reviewer_ids" in stranger.json()["error"]["fields"]
    assert state() == before


def test_approve_above_the_request(manager, community, open_round, applicant, applicant_user, reviewers):
    application = submitted(applicant_user, open_round, applicant, fen=300_000)
    for r in reviewers:
        services.review_score(actor=r, application=application, score=80)
    url = f"{API}/applications/{application.pk}/decision"
    before = state()
    en = client_for(manager, "en").post(url, {"approve": True, "approved_fen": 300_001}, content_type=JSON)
    assert en.status_code == 400
    assert en.json()["error"]["fields"] == {"approved_fen": ["A grant cannot be larger than what was asked for."]}
    zh = client_for(manager, "zh-hans").post(url, {"approve": True, "approved_fen": 300_001}, content_type=JSON)
    assert zh.status_code == 400 and "approved_fen" in zh.json()["error"]["fields"]
    assert zh.json()["error"]["message"] != en.json()["error"]["message"]
    no_reason = client_for(manager, "en").post(url, {"approve": False}, content_type=JSON)
    assert no_reason.status_code == 400 and no_reason.json()["error"]["code"] == "reason_required"
    assert state() == before
    ok = client_for(manager).post(url, {"approve": False, "note": "与本期方向不符"}, content_type=JSON)
    assert ok.status_code == 200 and ok.json()["status"] == "rejected"
