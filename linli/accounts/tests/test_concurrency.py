"""Sign-in and SMS-code limits hold when the requests come all at once (PostgreSQL, real connections)."""

import pytest
from django.test import Client

from linli.accounts.models import OneTimeCode
from linli.conftest import run_together
from linli.notifications.sms import LocmemSMSBackend

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_twenty_parallel_code_requests_for_one_number_send_at_most_five_codes(make_user):
    user = make_user()
    statuses: list[int] = []

    def ask() -> None:
        response = Client().post("/api/v1/auth/otp", {"mobile": user.mobile}, content_type="application/json")
        statuses.append(response.status_code)

    assert run_together([ask] * 20) == []
    assert sorted(statuses) == [202] * 5 + [429] * 15
    assert OneTimeCode.objects.filter(mobile=user.mobile).count() == 5
    assert len([m for m in LocmemSMSBackend.outbox if m.mobile == user.mobile]) == 5


def test_twenty_parallel_wrong_passwords_get_five_tries_and_then_the_right_one_waits(make_user):
    user = make_user(password="s3cret-pass")
    codes: list[str] = []

    def guess() -> None:
        response = Client().post(
            "/api/v1/auth/token", {"mobile": user.mobile, "password": "wrong-pass"}, content_type="application/json"
        )
        codes.append(response.json()["error"]["code"])

    assert run_together([guess] * 20) == []
    assert sorted(codes) == ["bad_credentials"] * 5 + ["rate_limited"] * 15
    right = Client().post(
        "/api/v1/auth/token", {"mobile": user.mobile, "password": "s3cret-pass"}, content_type="application/json"
    )
    assert right.status_code == 429
