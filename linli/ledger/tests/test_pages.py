"""The merchant's and the staff's forms: success with an audit row, refusals, errors on the form, both languages,
elder mode."""

from typing import Any

import pytest
from django.urls import reverse

from linli.accounts.models import Role
from linli.audit.models import AuditEntry
from linli.conftest import client_for
from linli.ledger.models import EarningRule, LedgerSettings, Merchant, Product

pytestmark = pytest.mark.django_db


def elder(user: Any, language: str = "zh-hans") -> Any:
    client = client_for(user, language)
    client.cookies["linli_elder"] = "1"
    return client


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_apply_as_merchant(make_user: Any, community: Any, language: str) -> None:
    user = make_user(Role.RESIDENT, community)
    c = elder(user, language)
    url = reverse("ledger:merchant_apply")
    page = c.get(url)
    assert page.status_code == 200 and b'class="elder' in page.content
    assert ("Apply to sell" if language == "en" else "申请") in page.content.decode()
    response = c.post(url, {"community": "shibei", "name": "街角咖啡", "kind": "shop", "contact_mobile": "13912345678"})
    merchant = Merchant.objects.get(name="街角咖啡")
    assert response.status_code == 302 and response.url == reverse("ledger:merchant_home", args=[merchant.pk])
    assert merchant.status == Merchant.Status.PENDING and merchant.staff.filter(pk=user.pk).exists()
    assert AuditEntry.objects.filter(action="merchant.apply").exists()
    # the same name again: the service's refusal shows on the name field
    again = c.post(url, {"community": "shibei", "name": "街角咖啡", "kind": "shop"})
    text = again.content.decode()
    assert again.status_code == 200 and "has-error" in text
    assert ("already registered" if language == "en" else "已") in text
    bad = c.post(url, {"community": "shibei", "name": "", "kind": "bank", "contact_mobile": "123"})
    assert bad.status_code == 200 and bad.content.decode().count('class="error"') >= 3
    assert Merchant.objects.count() == 1


def test_apply_needs_login() -> None:
    assert client_for(None).get(reverse("ledger:merchant_apply")).status_code == 302


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_merchant_adds_and_edits_products(merchant: Any, merchant_user: Any, product: Product, language: str) -> None:
    c = elder(merchant_user, language)
    listing = c.get(reverse("ledger:merchant_products", args=[merchant.pk]))
    assert listing.status_code == 200 and b'class="elder' in listing.content and "青菜一把" in listing.content.decode()
    assert c.get(reverse("ledger:merchant_home", args=[merchant.pk])).status_code == 200
    add = reverse("ledger:product_add", args=[merchant.pk])
    assert c.get(add).status_code == 200
    r = c.post(
        add, {"name": "土鸡蛋", "kind": "goods", "price_points": 30, "price_fen": 0, "stock": 12, "active": "on"}
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    egg = Product.objects.get(name="土鸡蛋")
    assert (egg.price_points, egg.stock, egg.active) == (30, 12, True)
    edit = reverse("ledger:product_edit", args=[merchant.pk, egg.pk])
    assert "土鸡蛋" in c.get(edit).content.decode()
    r = c.post(edit, {"name": "土鸡蛋", "kind": "goods", "price_points": 25, "price_fen": 150, "stock": 3})
    egg.refresh_from_db()
    assert r.status_code == 302 and (egg.price_points, egg.price_fen, egg.stock, egg.active) == (25, 150, 3, False)
    assert AuditEntry.objects.filter(action="product.update", object_id=str(egg.pk)).exists()
    # bad input: no price at all (the service), a negative stock (the service), a fraction (the form)
    for body, text_en, text_zh in [
        ({"price_points": 0, "price_fen": 0, "stock": 1}, "Give a price", "价格"),
        ({"price_points": 5, "price_fen": 0, "stock": -1}, "at least 0", "0"),
        ({"price_points": 1.5, "price_fen": 0, "stock": 1}, "whole number", "整数"),
    ]:
        r = c.post(edit, {"name": "土鸡蛋", "kind": "goods", **body})
        text = r.content.decode()
        assert r.status_code == 200 and "has-error" in text, body
        assert (text_en if language == "en" else text_zh) in text, body
    egg.refresh_from_db()
    assert (egg.price_points, egg.price_fen, egg.stock) == (25, 150, 3)


def test_others_may_not_manage_products(
    merchant: Any, product: Product, users: dict[str, Any], make_user: Any, community: Any
) -> None:
    add = reverse("ledger:product_add", args=[merchant.pk])
    edit = reverse("ledger:product_edit", args=[merchant.pk, product.pk])
    body = {"name": "改名", "kind": "goods", "price_points": 1, "price_fen": 0, "stock": 1}
    for role, status in [("community_admin", 403), ("grid_steward", 403), ("resident", 404), ("outsider", 404)]:
        c = client_for(users[role])
        assert c.get(add).status_code == status, role
        assert c.post(edit, body).status_code == status, role
    product.refresh_from_db()
    assert product.name == "青菜一把" and Product.objects.count() == 1
    # the community's staff may look at the list, without the edit buttons
    listing = client_for(users["community_admin"]).get(reverse("ledger:merchant_products", args=[merchant.pk]))
    assert listing.status_code == 200 and 'data-testid="product-add"' not in listing.content.decode()
    # a pending merchant's own staff may not list products yet
    owner = make_user()
    pending = Merchant.objects.create(community=community, name="待批店", applied_at="2026-01-01T00:00Z")
    pending.staff.add(owner)
    assert client_for(owner).get(reverse("ledger:product_add", args=[pending.pk])).status_code == 403


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_staff_edit_an_earning_rule(users: dict[str, Any], community: Any, language: str) -> None:
    c = elder(users["community_admin"], language)
    books = c.get(reverse("ledger:books", args=[community.code])).content.decode()
    url = reverse("ledger:rule_edit", args=[community.code, "volunteer_hour"])
    assert url in books
    page = c.get(url)
    assert page.status_code == 200 and b'class="elder' in page.content
    assert ("Points per unit" if language == "en" else "每单位积分") in page.content.decode()
    r = c.post(
        url, {"name": "", "points": 15, "daily_cap": "", "yearly_cap": 1000, "funding_code": "community_company"}
    )
    assert r.status_code == 302
    rule = EarningRule.objects.get(community=community, code="volunteer_hour")
    assert (rule.points, rule.daily_cap, rule.yearly_cap, rule.funding_code, rule.enabled) == (
        15,
        None,
        1000,
        "community_company",
        False,
    )
    assert AuditEntry.objects.filter(action="earning_rule.update").count() == 1
    for body, text_en, text_zh in [
        ({"points": 0}, "greater than zero", "大于零"),
        ({"points": 2.5}, "whole number", "整数"),
        ({"points": 5, "daily_cap": -1}, "greater than zero", "大于零"),
    ]:
        r = c.post(url, {"funding_code": "community_fund", **body})
        text = r.content.decode()
        assert r.status_code == 200 and "has-error" in text and (text_en if language == "en" else text_zh) in text
    rule.refresh_from_db()
    assert rule.points == 15 and AuditEntry.objects.filter(action="earning_rule.update").count() == 1
    assert c.get(reverse("ledger:rule_edit", args=[community.code, "nope"])).status_code == 404


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_staff_edit_the_points_policy(users: dict[str, Any], community: Any, language: str) -> None:
    c = elder(users["social_worker"], language)
    url = reverse("ledger:policy_edit", args=[community.code])
    page = c.get(url)
    assert page.status_code == 200 and b'class="elder' in page.content
    assert ("Years before expiry" if language == "en" else "有效年数") in page.content.decode()
    r = c.post(url, {"fen_per_point": 5, "expiry_enabled": "on", "expiry_years": 2, "expiry_notice_days": 45})
    assert r.status_code == 302
    policy = LedgerSettings.objects.get(community=community)
    assert (policy.fen_per_point, policy.expiry_enabled, policy.expiry_years, policy.expiry_notice_days) == (
        5,
        True,
        2,
        45,
    )
    assert AuditEntry.objects.filter(action="ledger_settings.update").count() == 1
    r = c.post(url, {"fen_per_point": 0, "expiry_years": 2, "expiry_notice_days": 45})
    text = r.content.decode()
    assert (
        r.status_code == 200 and "has-error" in text and ("greater than zero" if language == "en" else "大于零") in text
    )
    policy.refresh_from_db()
    assert policy.fen_per_point == 5 and policy.expiry_enabled


def test_rules_and_policy_pages_are_for_caseworkers(users: dict[str, Any], community: Any) -> None:
    urls = [
        reverse("ledger:rule_edit", args=[community.code, "volunteer_hour"]),
        reverse("ledger:policy_edit", args=[community.code]),
    ]
    for role, status in [
        ("grid_steward", 403),
        ("street_admin", 403),
        ("city_viewer", 403),
        ("resident", 403),
        ("outsider", 404),
    ]:
        for url in urls:
            assert client_for(users[role]).get(url).status_code == status, (role, url)
            assert client_for(users[role]).post(url, {"points": 99, "fen_per_point": 99}).status_code == status
    assert not EarningRule.objects.filter(points=99).exists()
    assert not LedgerSettings.objects.filter(fen_per_point=99).exists()
    assert not AuditEntry.objects.filter(action__in=["earning_rule.update", "ledger_settings.update"]).exists()
    text = client_for(users["grid_steward"]).get(reverse("ledger:books", args=[community.code])).content.decode()
    assert reverse("ledger:policy_edit", args=[community.code]) not in text
