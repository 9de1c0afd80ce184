"""Logging in: password, SMS one-time code behind the pluggable sender, API tokens, preferences."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from linli.accounts import services
from linli.accounts.models import OneTimeCode, Role, RoleAssignment
from linli.audit.models import AuditEntry
from linli.conftest import client_for
from linli.notifications.sms import LocmemSMSBackend

from .conftest import code_from_outbox

pytestmark = pytest.mark.django_db


def test_password_login_page_in_both_languages(make_user):
    user = make_user(password="s3cret-pass")
    zh = Client().post("/accounts/login/", {"mobile": user.mobile, "password": "wrong"})
    assert "手机号和密码不匹配" in zh.content.decode()
    en = Client(HTTP_ACCEPT_LANGUAGE="en").post("/accounts/login/", {"mobile": "123", "password": "x"})
    assert "Enter a valid mainland China mobile number" in en.content.decode()
    ok = Client().post("/accounts/login/", {"mobile": user.mobile, "password": "s3cret-pass"})
    assert ok.status_code == 302


def test_sms_code_login_through_the_pages(make_user, django_capture_on_commit_callbacks):
    user = make_user()
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/login/sms/", {"mobile": user.mobile})
    assert response.status_code == 200 and LocmemSMSBackend.outbox[-1].mobile == user.mobile
    code = code_from_outbox()
    wrong = client.post(
        "/accounts/login/sms/", {"mobile": user.mobile, "otp": "000000" if code != "000000" else "111111"}
    )
    assert "验证码错误或已过期" in wrong.content.decode()
    done = client.post("/accounts/login/sms/", {"mobile": user.mobile, "otp": code})
    assert done.status_code == 302
    assert client.get("/api/v1/me").json()["mobile"] == user.mobile


def test_sms_codes_expire_are_single_use_and_limit_guesses(make_user, django_capture_on_commit_callbacks):
    user = make_user()
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        services.otp_request(mobile=user.mobile, now=now)
    code = code_from_outbox()
    assert services.otp_verify(mobile=user.mobile, code=code, now=now + dt.timedelta(minutes=6)) is None
    with django_capture_on_commit_callbacks(execute=True):
        services.otp_request(mobile=user.mobile, now=now)
    code = code_from_outbox()
    for _ in range(5):
        assert services.otp_verify(mobile=user.mobile, code="999999" if code != "999999" else "111111", now=now) is None
    assert services.otp_verify(mobile=user.mobile, code=code, now=now) is None  # too many guesses
    with django_capture_on_commit_callbacks(execute=True):
        services.otp_request(mobile=user.mobile, now=now)
    code = code_from_outbox()
    assert services.otp_verify(mobile=user.mobile, code=code, now=now) == user
    assert services.otp_verify(mobile=user.mobile, code=code, now=now) is None  # used


def test_sms_codes_are_rate_limited_and_unknown_numbers_get_no_sms(make_user, django_capture_on_commit_callbacks):
    from linli.core.errors import DomainError

    with django_capture_on_commit_callbacks(execute=True):
        services.otp_request(mobile="13912340000")
    assert LocmemSMSBackend.outbox == [] and OneTimeCode.objects.count() == 0
    user = make_user()
    for _ in range(5):
        services.otp_request(mobile=user.mobile)
    with pytest.raises(DomainError, match="尝试次数过多"):
        services.otp_request(mobile=user.mobile)


def test_api_token_login_use_and_revoke(make_user, community):
    user = make_user(password="s3cret-pass")
    RoleAssignment.objects.create(user=user, role=Role.COMMUNITY_ADMIN, community=community)
    bad = Client().post(
        "/api/v1/auth/token", {"mobile": user.mobile, "password": "nope"}, content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_credentials"
    issued = (
        Client()
        .post(
            "/api/v1/auth/token",
            {"mobile": user.mobile, "password": "s3cret-pass", "name": "cli"},
            content_type="application/json",
        )
        .json()
    )
    headers = {"HTTP_AUTHORIZATION": f"Bearer {issued['token']}"}
    me = Client().get("/api/v1/me", **headers).json()
    assert me["roles"] == [{"role": "community_admin", "community": "shibei", "street": None}]
    assert Client().delete(f"/api/v1/auth/token/{issued['prefix']}", **headers).status_code == 204
    assert Client().get("/api/v1/me", **headers).status_code == 401
    assert AuditEntry.objects.filter(action__startswith="api_token.").count() == 2


def test_unauthenticated_api_calls_get_the_one_error_shape():
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "unauthenticated", "message": "Please log in first.", "fields": {}}}


def test_malformed_json_and_wrong_types_get_clear_messages():
    response = Client().post("/api/v1/auth/otp", "{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert set(response.json()["error"]) == {"code", "message", "fields"}
    wrong = Client().post("/api/v1/auth/otp", {"mobile": "123"}, content_type="application/json")
    assert wrong.status_code == 400 and "11" in wrong.json()["error"]["message"]


def test_session_api_writes_need_the_csrf_token(make_user, community):
    user = make_user()
    RoleAssignment.objects.create(user=user, role=Role.COMMUNITY_ADMIN, community=community)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(
        "/api/v1/communities/shibei/residents",
        {"name": "甲", "birth_date": "1990-01-01"},
        content_type="application/json",
    )
    assert response.status_code in (401, 403)


def test_elder_mode_and_language_switch(make_user):
    user = make_user()
    client = client_for(user)
    assert 'class="elder' not in client.get("/").content.decode()
    client.post("/elder-mode/", {"on": "1", "next": "/"})
    user.refresh_from_db()
    assert user.elder_mode
    assert 'class="elder' in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Nine scenarios" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "九大场景" in client.get("/").content.decode()
    anonymous = Client()
    anonymous.post("/elder-mode/", {"on": "1", "next": "/"})
    assert 'class="elder' in anonymous.get("/").content.decode()


def test_role_grants_are_ruled_and_audited(make_user, users, community, other_community):
    from linli.core.errors import DomainError, NotAllowed

    newcomer = make_user()
    assignment = services.role_grant(
        actor=users["community_admin"], user=newcomer, role=Role.VOLUNTEER, community=community
    )
    assert AuditEntry.objects.filter(action="role.grant", community=community).exists()
    with pytest.raises(NotAllowed):
        services.role_grant(
            actor=users["community_admin"], user=newcomer, role=Role.VOLUNTEER, community=other_community
        )
    with pytest.raises(NotAllowed):
        services.role_grant(actor=users["social_worker"], user=newcomer, role=Role.COMMUNITY_ADMIN, community=community)
    with pytest.raises(DomainError, match="已在市北社区担任该角色"):
        services.role_grant(actor=users["community_admin"], user=newcomer, role=Role.VOLUNTEER, community=community)
    services.role_revoke(actor=users["community_admin"], assignment=assignment)
    assert not newcomer.roles.exists()
