"""API tokens expire, record their last use, and only their owner lists and revokes them (API and page)."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from linli.accounts import services
from linli.accounts.models import ApiToken
from linli.audit.models import AuditEntry
from linli.conftest import client_for

pytestmark = pytest.mark.django_db


def bearer(key: str, language: str = "zh-hans") -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_ACCEPT_LANGUAGE=language)


def test_tokens_expire_after_90_days_by_default_or_as_asked_within_the_maximum(make_user):
    user = make_user(password="s3cret-pass")
    before = timezone.now()
    token, _key = services.api_token_create(user=user, name="fuzz")  # the call CI makes
    assert before + dt.timedelta(days=90) <= token.expires_at <= timezone.now() + dt.timedelta(days=90)
    issued = Client().post(
        "/api/v1/auth/token",
        {"mobile": user.mobile, "password": "s3cret-pass", "name": "cli", "days": 7},
        content_type="application/json",
    )
    assert issued.status_code == 201
    made = ApiToken.objects.get(prefix=issued.json()["prefix"])
    assert abs(made.expires_at - (timezone.now() + dt.timedelta(days=7))) < dt.timedelta(minutes=1)
    too_long = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        "/api/v1/auth/token",
        {"mobile": user.mobile, "password": "s3cret-pass", "days": 400},
        content_type="application/json",
    )
    assert too_long.status_code == 400
    assert too_long.json()["error"] == {
        "code": "invalid_days",
        "message": "A token is valid for 1 to 365 days.",
        "fields": {"days": ["A token is valid for 1 to 365 days."]},
    }


def test_expired_tokens_are_refused_with_a_clear_401_and_use_is_recorded(make_user):
    user = make_user()
    token, key = services.api_token_create(user=user, name="cli")
    assert bearer(key).get("/api/v1/me").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    expired = bearer(key, "en").get("/api/v1/me")
    assert expired.status_code == 401
    assert expired.json()["error"]["code"] == "token_expired"
    assert expired.json()["error"]["message"] == "This API token has expired. Create a new one."
    assert "令牌已过期" in bearer(key).get("/api/v1/me").json()["error"]["message"]


def test_only_the_owner_lists_and_revokes_a_token_through_the_api(make_user):
    owner, other = make_user(), make_user()
    token, key = services.api_token_create(user=owner, name="phone")
    _, other_key = services.api_token_create(user=other, name="laptop")
    listed = bearer(key).get("/api/v1/auth/tokens").json()
    assert [(t["id"], t["name"], t["prefix"], t["status"]) for t in listed] == [
        (token.pk, "phone", token.prefix, "active")
    ]
    assert "key_hash" not in listed[0] and "token" not in listed[0]
    assert [t["name"] for t in bearer(other_key).get("/api/v1/auth/tokens").json()] == ["laptop"]
    # someone else's token is not found, and stays usable
    assert bearer(other_key).delete(f"/api/v1/auth/tokens/{token.prefix}").status_code == 404
    assert bearer(key).get("/api/v1/me").status_code == 200
    assert Client().get("/api/v1/auth/tokens").status_code == 401
    # the owner revokes it: it no longer works, and the list says so
    assert bearer(other_key).delete(f"/api/v1/auth/tokens/{token.prefix}").status_code == 404
    assert bearer(key).delete(f"/api/v1/auth/tokens/{token.prefix}").status_code == 204
    assert bearer(key).get("/api/v1/me").status_code == 401
    assert bearer(other_key).get("/api/v1/me").status_code == 200
    assert client_for(owner).get("/api/v1/auth/tokens").json()[0]["status"] == "revoked"
    revoke = AuditEntry.objects.get(action="api_token.revoke")
    assert revoke.actor_id == owner.pk and revoke.via == "api"


def test_the_tokens_page_lists_creates_and_revokes_only_ones_own(make_user):
    owner, other = make_user(), make_user()
    token, _ = services.api_token_create(user=owner, name="手机应用")
    services.api_token_create(user=other, name="别人的令牌")
    page = client_for(owner)
    page.post("/elder-mode/", {"on": "1", "next": "/"})
    assert 'href="/accounts/tokens/"' in page.get("/accounts/me/").content.decode()
    html = page.get("/accounts/tokens/").content.decode()
    assert "我的 API 令牌" in html and "手机应用" in html and "别人的令牌" not in html
    assert 'class="elder' in html and 'class="table"' in html
    made = page.post("/accounts/tokens/", {"name": "备份脚本", "days": 30})
    assert made.status_code == 200 and 'data-testid="new-token"' in made.content.decode()
    assert AuditEntry.objects.filter(action="api_token.create", actor=owner, via="web").exists()
    refused = page.post("/accounts/tokens/", {"name": "太长", "days": 1000})
    assert refused.status_code == 200 and not ApiToken.objects.filter(name="太长").exists()
    # another user cannot revoke it; the owner can
    assert client_for(other).post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    assert page.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert AuditEntry.objects.filter(action="api_token.revoke", actor=owner, via="web").exists()
    english = client_for(owner, language="en").get("/accounts/tokens/").content.decode()
    assert "My API tokens" in english and "Revoked" in english
    assert Client().get("/accounts/tokens/").status_code == 302


@pytest.mark.parametrize("who", ["outsider", "community_admin", "grid_steward", "superuser"])
def test_no_one_but_the_owner_sees_or_revokes_a_token(users, community, who):
    from django.contrib.auth import get_user_model

    owner = users["resident"]
    token, key = services.api_token_create(user=owner, name="家里的平板")
    actor = users.get(who) or get_user_model().objects.create_superuser(mobile="13712345678", password="x-pass-123")
    _, actor_key = services.api_token_create(user=actor, name="mine")
    assert [t["name"] for t in bearer(actor_key).get("/api/v1/auth/tokens").json()] == ["mine"]
    assert bearer(actor_key).delete(f"/api/v1/auth/tokens/{token.prefix}").status_code == 404
    assert bearer(actor_key).delete(f"/api/v1/auth/token/{token.prefix}").status_code == 404
    page = client_for(actor)
    assert "家里的平板" not in page.get("/accounts/tokens/").content.decode()
    assert page.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    if actor.is_staff:
        listing = page.get("/admin/accounts/apitoken/")
        assert listing.status_code == 200 and "家里的平板" not in listing.content.decode()
        assert page.post(f"/admin/accounts/apitoken/{token.pk}/delete/", {"post": "yes"}).status_code in (302, 403)
    assert ApiToken.objects.filter(pk=token.pk, revoked_at=None).exists()
    assert bearer(key).get("/api/v1/me").status_code == 200
