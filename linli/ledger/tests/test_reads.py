"""Reads only read: a resident's balances and statement, a merchant's page, the community's books, rules and
policy, and the fund's public page answer on a fresh community without opening an account or seeding a row.
The accounts, rules and policy are stored by the writes that need them (`services.accounts`)."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from linli.conftest import client_for
from linli.ledger import selectors, services
from linli.ledger.codes import DEFAULT_RULES, FUNDING_CODES
from linli.ledger.models import Account, AccountKind, EarningRule, LedgerSettings, Unit

pytestmark = pytest.mark.django_db
BOOKS = "/api/v1/communities/shibei/ledger"
WRITES = ("INSERT", "UPDATE", "DELETE")


def _writes(client: Any, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]


def test_resident_reads_open_no_account(community: Any, shopper: Any) -> None:
    client = client_for(shopper.user)
    for url in ("/api/v1/ledger/me", "/api/v1/ledger/me/statement", "/api/v1/ledger/me/expiring", "/ledger/"):
        assert _writes(client, url) == [], url
    assert not Account.objects.filter(resident=shopper).exists()
    body = client.get("/api/v1/ledger/me/statement?unit=fen").json()
    assert (body["unit"], body["balance"], body["count"]) == ("fen", 0, 0)


def test_merchant_reads_open_no_account(merchant: Any, merchant_user: Any) -> None:
    client = client_for(merchant_user)
    for url in (f"/api/v1/ledger/merchants/{merchant.pk}", reverse("ledger:merchant_home", args=[merchant.pk])):
        assert _writes(client, url) == [], url
    assert not Account.objects.filter(merchant=merchant).exists()


def test_the_books_are_read_without_seeding_rules_or_policy(community: Any, users: dict[str, Any]) -> None:
    client = client_for(users["community_admin"])
    urls = [
        f"{BOOKS}/rules",
        f"{BOOKS}/settings",
        f"{BOOKS}/accounts",
        reverse("ledger:books", args=[community.code]),
        reverse("ledger:rule_edit", args=[community.code, "volunteer_hour"]),
        reverse("ledger:policy_edit", args=[community.code]),
        reverse("fund:public", args=[community.code]),
    ]
    for url in urls:
        assert _writes(client, url) == [], url
    assert not EarningRule.objects.filter(community=community).exists()
    assert not LedgerSettings.objects.filter(community=community).exists()
    # the defaults show all the same, and every funding source is listed (opened with the community)
    assert {r["code"] for r in client.get(f"{BOOKS}/rules").json()} == {r.code for r in DEFAULT_RULES}
    listed = {(a["code"], a["unit"]) for a in client.get(f"{BOOKS}/accounts").json() if a["kind"] == "funding"}
    assert listed == {(code, Unit.FEN) for code in FUNDING_CODES}


def test_a_change_to_a_default_rule_stores_the_rules_first(community: Any, users: dict[str, Any]) -> None:
    rule = selectors.earning_rule_find(community, "vote_cast")
    assert rule is not None and rule.pk is None
    changed = services.earning_rule_update(actor=users["community_admin"], rule=rule, points=7)
    assert changed.pk is not None and changed.points == 7
    assert EarningRule.objects.filter(community=community).count() == len(DEFAULT_RULES)


def test_a_new_community_has_its_funding_accounts(community: Any) -> None:
    opened = Account.objects.filter(community=community, kind=AccountKind.FUNDING, unit=Unit.FEN)
    assert {a.code for a in opened} == FUNDING_CODES
    assert opened.get(code="community_fund").floor == 0
