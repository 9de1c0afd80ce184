"""Signing up with a mobile number and an SMS code: pages and API, wrong/expired/throttled codes, enumeration."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from linli.accounts import services
from linli.accounts.models import OneTimeCode, User
from linli.audit.models import AuditEntry
from linli.core.errors import DomainError
from linli.core.throttle import Throttled
from linli.notifications.sms import LocmemSMSBackend

from .conftest import code_from_outbox

pytestmark = pytest.mark.django_db

NEW = "13912345678"


def wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_sign_up_through_the_pages_signs_in_and_audits(django_capture_on_commit_callbacks):
    client = Client()
    assert "注册" in client.get("/accounts/signup/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        step_two = client.post("/accounts/signup/", {"mobile": NEW})
    assert step_two.status_code == 200 and 'name="otp"' in step_two.content.decode()
    assert LocmemSMSBackend.outbox[-1].mobile == NEW
    code = code_from_outbox()
    bad = client.post("/accounts/signup/", {"mobile": NEW, "otp": wrong(code), "display_name": "周丽君"})
    assert "验证码错误或已过期" in bad.content.decode()
    assert not User.objects.filter(mobile=NEW).exists()
    weak = client.post("/accounts/signup/", {"mobile": NEW, "otp": code, "display_name": "周丽君", "password": "123"})
    assert weak.status_code == 200 and not User.objects.filter(mobile=NEW).exists()
    done = client.post("/accounts/signup/", {"mobile": NEW, "otp": code, "display_name": "周丽君", "password": ""})
    assert done.status_code == 302
    user = User.objects.get(mobile=NEW)
    assert user.display_name == "周丽君" and not user.has_usable_password()
    assert client.get("/api/v1/me").json() | {"mobile": NEW, "verified": False} == client.get("/api/v1/me").json()
    entry = AuditEntry.objects.get(action="user.signup")
    assert entry.actor_id == user.pk and "password" not in entry.after
    assert client.get("/accounts/signup/").status_code == 302  # signed in: nothing to sign up for


def test_existing_number_gets_the_same_answer_and_an_sms_to_sign_in_instead(
    make_user, django_capture_on_commit_callbacks
):
    user = make_user()
    answers = []
    for mobile in (user.mobile, NEW):
        with django_capture_on_commit_callbacks(execute=True):
            answers.append(Client().post("/accounts/signup/", {"mobile": mobile}).content.decode())
    strip = [re.sub(r'value="[^"]*"', "", a) for a in answers]  # the CSRF token and the echoed number differ
    assert strip[0] == strip[1]
    to_user = [m for m in LocmemSMSBackend.outbox if m.mobile == user.mobile]
    assert len(to_user) == 1 and not re.search(r"\d{6}", to_user[0].text)
    assert "/accounts/login/sms/" in to_user[0].text
    assert OneTimeCode.objects.filter(mobile=user.mobile).count() == 0
    # The API answers alike too.
    a = Client().post("/api/v1/auth/signup/code", {"mobile": user.mobile}, content_type="application/json")
    b = Client().post("/api/v1/auth/signup/code", {"mobile": "13912345679"}, content_type="application/json")
    assert (a.status_code, a.json()) == (b.status_code, b.json()) == (202, a.json())


def test_codes_are_per_purpose_expire_and_are_throttled(make_user, django_capture_on_commit_callbacks):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        services.signup_request(mobile=NEW, now=now)
    code = code_from_outbox()
    with pytest.raises(DomainError, match="验证码"):
        services.signup_complete(
            mobile=NEW, code=code, display_name="周", now=now + dt.timedelta(seconds=301)
        )  # expired
    assert not User.objects.filter(mobile=NEW).exists()
    # A login code for an existing number never opens a sign-up, nor a sign-up code a login.
    user = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        services.otp_request(mobile=user.mobile, now=now)
    login_code = code_from_outbox()
    with pytest.raises(DomainError):
        services.signup_complete(mobile=user.mobile, code=login_code, display_name="x", now=now)
    with django_capture_on_commit_callbacks(execute=True):
        services.signup_request(mobile=NEW, now=now)
    assert services.otp_verify(mobile=NEW, code=code_from_outbox(), now=now) is None
    # Code requests share the login codes' limit per number (5 an hour): two were asked for NEW already.
    for _ in range(3):
        services.signup_request(mobile=NEW, now=now)
    with pytest.raises(Throttled):
        services.signup_request(mobile=NEW, now=now)
    with pytest.raises(Throttled):
        services.otp_request(mobile=NEW, now=now)


def test_code_guesses_count_against_the_sign_in_throttle(django_capture_on_commit_callbacks):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        services.signup_request(mobile=NEW, now=now)
    code = code_from_outbox()
    for _ in range(5):
        with pytest.raises(DomainError):
            services.signup_complete(mobile=NEW, code=wrong(code), display_name="周", now=now)
    with pytest.raises(Throttled):
        services.signup_complete(mobile=NEW, code=code, display_name="周", now=now)
    assert User.objects.filter(mobile=NEW).count() == 0


def test_api_sign_up_answers_a_token_and_refuses_bad_input(django_capture_on_commit_callbacks):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    bad = client.post("/api/v1/auth/signup/code", {"mobile": "12345"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["error"]["fields"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/api/v1/auth/signup/code", {"mobile": NEW}, content_type="application/json")
    code = code_from_outbox()
    body = {"mobile": NEW, "otp": wrong(code), "display_name": "Zhou"}
    refused = client.post("/api/v1/auth/signup", body, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "bad_code"
    assert "wrong or has expired" in refused.json()["error"]["message"]
    nameless = client.post(
        "/api/v1/auth/signup", body | {"otp": code, "display_name": " "}, content_type="application/json"
    )
    assert nameless.json()["error"]["code"] == "invalid_name" and User.objects.count() == 0
    made = client.post(
        "/api/v1/auth/signup", body | {"otp": code, "password": "a-long-pass-9"}, content_type="application/json"
    )
    assert made.status_code == 201
    token = made.json()["token"]
    me = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/me").json()
    assert me["mobile"] == NEW and me["verified"] is False and me["resident_community"] is None
    assert User.objects.get(mobile=NEW).check_password("a-long-pass-9")
