"""Sign-in throttling: password and SMS-code sign-in, on the pages, the API and the admin; SMS code requests that
answer the same whether or not a number has an account."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone

from linli.accounts.models import OneTimeCode
from linli.core import throttle
from linli.core.models import ThrottleCounter
from linli.notifications.sms import LocmemSMSBackend

from .conftest import code_from_outbox

pytestmark = pytest.mark.django_db

PASSWORD = "s3cret-pass"


def cooldown_passes() -> None:
    """As if the cooldown had ended: every counter's block lies in the past."""
    ThrottleCounter.objects.exclude(blocked_until=None).update(blocked_until=timezone.now() - dt.timedelta(seconds=1))


def api_token(mobile: str, password: str = "", otp: str = "", address: str = "127.0.0.1", language: str = "zh-hans"):
    return Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE=language).post(
        "/api/v1/auth/token", {"mobile": mobile, "password": password, "otp": otp}, content_type="application/json"
    )


def test_wrong_passwords_then_the_right_one_is_refused_on_the_api_until_the_cooldown(make_user):
    user = make_user(password=PASSWORD)
    for _ in range(5):
        assert api_token(user.mobile, "wrong-pass").json()["error"]["code"] == "bad_credentials"
    refused = api_token(user.mobile, PASSWORD)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert "尝试次数过多，请 15 分钟后再试" in refused.json()["error"]["message"]
    assert int(refused["Retry-After"]) > 800
    english = api_token(user.mobile, PASSWORD, language="en")
    assert english.status_code == 429
    assert english.json()["error"]["message"] == "Too many attempts. Please try again in 15 minutes."
    # another address is refused too (the number is cooling down), and the cooldown ends
    assert api_token(user.mobile, PASSWORD, address="10.0.0.9").status_code == 429
    cooldown_passes()
    assert api_token(user.mobile, PASSWORD).status_code == 201


def test_a_right_password_clears_the_count_of_wrong_ones(make_user):
    user = make_user(password=PASSWORD)
    for _ in range(4):
        api_token(user.mobile, "wrong-pass")
    assert api_token(user.mobile, PASSWORD).status_code == 201
    for _ in range(4):
        assert api_token(user.mobile, "wrong-pass").status_code == 400
    assert api_token(user.mobile, PASSWORD).status_code == 201


def test_wrong_passwords_then_the_right_one_is_refused_on_the_login_page(make_user):
    user = make_user(password=PASSWORD)
    client = Client()
    for _ in range(5):
        wrong = client.post("/accounts/login/", {"mobile": user.mobile, "password": "wrong-pass"})
        assert "手机号和密码不匹配" in wrong.content.decode()
    refused = client.post("/accounts/login/", {"mobile": user.mobile, "password": PASSWORD})
    assert refused.status_code == 200
    assert "尝试次数过多，请 15 分钟后再试" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    english = Client(HTTP_ACCEPT_LANGUAGE="en").post("/accounts/login/", {"mobile": user.mobile, "password": PASSWORD})
    assert "Too many attempts. Please try again in 15 minutes." in english.content.decode()
    cooldown_passes()
    assert client.post("/accounts/login/", {"mobile": user.mobile, "password": PASSWORD}).status_code == 302


def test_the_admin_login_is_throttled_too(make_user):
    user = make_user(password=PASSWORD)
    user.is_staff = True
    user.save()
    client = Client()
    for _ in range(5):
        client.post("/admin/login/", {"username": user.mobile, "password": "wrong-pass"})
    refused = client.post("/admin/login/", {"username": user.mobile, "password": PASSWORD})
    assert refused.status_code == 200 and "尝试次数过多" in refused.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(THROTTLES={**settings.THROTTLES, "login.address": (8, 900, 900)})
def test_one_address_trying_many_numbers_is_refused(make_user):
    user = make_user(password=PASSWORD)
    for n in range(8):
        assert api_token(f"1391234{n:04d}", "wrong-pass").status_code == 400
    assert api_token(user.mobile, PASSWORD).status_code == 429
    assert api_token(user.mobile, PASSWORD, address="10.0.0.9").status_code == 201


def test_sms_code_sign_in_is_throttled(make_user, django_capture_on_commit_callbacks):
    user = make_user()
    client = Client()
    for _ in range(5):
        wrong = client.post("/accounts/login/sms/", {"mobile": user.mobile, "otp": "000000"})
        assert "验证码错误或已过期" in wrong.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/login/sms/", {"mobile": user.mobile})
    code = code_from_outbox()
    refused = client.post("/accounts/login/sms/", {"mobile": user.mobile, "otp": code})
    assert refused.status_code == 200 and "尝试次数过多" in refused.content.decode()
    api = api_token(user.mobile, otp=code)
    assert api.status_code == 429 and api.json()["error"]["code"] == "rate_limited"
    cooldown_passes()
    assert client.post("/accounts/login/sms/", {"mobile": user.mobile, "otp": code}).status_code == 302


def otp(mobile: str, address: str = "127.0.0.1"):
    response = Client(REMOTE_ADDR=address).post("/api/v1/auth/otp", {"mobile": mobile}, content_type="application/json")
    return response.status_code, response.json(), response.get("Retry-After")


def test_code_requests_answer_alike_for_registered_and_unknown_numbers(make_user, django_capture_on_commit_callbacks):
    user = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        answers = [(otp(user.mobile), otp("13912340000")) for _ in range(7)]
    for registered, unknown in answers:
        assert registered == unknown
    assert [status for (status, _, _), _ in answers] == [202] * 5 + [429] * 2
    assert answers[-1][0][1]["error"]["code"] == "rate_limited"
    # only the account got codes, five of them
    assert {m.mobile for m in LocmemSMSBackend.outbox} == {user.mobile}
    assert len(LocmemSMSBackend.outbox) == 5 == OneTimeCode.objects.filter(mobile=user.mobile).count()
    assert not OneTimeCode.objects.filter(mobile="13912340000").exists()


def test_code_requests_do_no_account_work_in_the_request(make_user, monkeypatch):
    """The answer waits on no lookup, hashing or sending: all of that is queued, for every number alike."""
    from linli.accounts import otp, services, tasks

    queued = []

    class Queue:
        @staticmethod
        def enqueue(**kwargs):
            queued.append(kwargs["mobile"])

    monkeypatch.setattr(tasks, "otp_send", Queue)
    monkeypatch.setattr(otp, "code_hash", lambda *a, **k: pytest.fail("hashed in the request"))
    user = make_user()
    services.otp_request(mobile=user.mobile)
    services.otp_request(mobile="13912340000")
    assert queued == [user.mobile, "13912340000"]


def test_code_requests_from_one_address_are_limited(make_user):
    for n in range(20):
        assert otp(f"1391234{n:04d}")[0] == 202
    assert otp("13912349999")[0] == 429
    assert otp("13912349999", address="10.0.0.9")[0] == 202


def test_the_client_address_is_remote_addr_unless_a_trusted_proxy_forwards_it():
    factory = RequestFactory()
    spoofed = factory.get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert throttle.client_address(spoofed) == "203.0.113.7"
    proxied = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7")
    assert throttle.client_address(proxied) == "127.0.0.1"
    with override_settings(TRUSTED_PROXIES=["127.0.0.1", "10.0.0.0/8"]):
        # the right-most address a trusted proxy did not add is the client; what the client wrote before it is not
        assert throttle.client_address(proxied) == "203.0.113.7"
        chain = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7, 10.1.2.3")
        assert throttle.client_address(chain) == "203.0.113.7"
    ipv6 = factory.get("/", REMOTE_ADDR="2001:db8:1:2:3:4:5:6")
    assert throttle.client_address(ipv6) == "2001:db8:1:2::/64"


def test_counters_keep_no_numbers_or_addresses_and_old_ones_are_pruned(make_user):
    api_token("13912340000", "wrong-pass", address="203.0.113.7")
    hashes = list(ThrottleCounter.objects.values_list("key_hash", flat=True))
    assert len(hashes) == 2 and not any("13912340000" in h or "203.0.113" in h for h in hashes)
    assert throttle.prune(now=timezone.now() + dt.timedelta(days=3)) == 2
