"""The API's answer to an account that signed up but has not verified (实名核验): `verify_first`, saying how, with the
endpoint's own status; and the whole sign-up → verify flow through the API."""

import datetime as dt
import re

import pytest
from django.test import Client

from linli.conftest import client_for
from linli.notifications.sms import LocmemSMSBackend
from linli.people import idnumber

pytestmark = pytest.mark.django_db

NUMBER = idnumber.make_id_number("330109", dt.date(1950, 3, 8), 1)  # the `resident` fixture's


@pytest.mark.parametrize(
    "path",
    ["/api/v1/communities/{code}/canteen/menus", "/api/v1/fund/{code}/applications/mine"],
)
def test_unverified_accounts_are_told_to_verify_first(path, make_user, community):
    response = client_for(make_user()).get(path.format(code=community.code))
    assert response.status_code in (403, 404)
    error = response.json()["error"]
    assert error["code"] == "verify_first"
    assert "实名核验" in error["message"] and "/api/v1/me/verify" in error["message"]
    english = client_for(make_user(), language="en").get(path.format(code=community.code)).json()["error"]
    assert "Verify your identity first" in english["message"]


def test_an_unknown_community_answers_the_same(make_user, community):
    user = make_user()
    known = client_for(user).get(f"/api/v1/communities/{community.code}/canteen/orders")
    unknown = client_for(user).get("/api/v1/communities/nowhere/canteen/orders")
    assert known.status_code == unknown.status_code
    assert known.json() == unknown.json() and known.json()["error"]["code"] == "verify_first"


def test_staff_and_verified_residents_keep_their_answers(users, resident, community):
    resident.user = users["resident"]
    resident.save()
    assert client_for(users["resident"]).get(f"/api/v1/communities/{community.code}/canteen/menus").status_code == 200
    refused = client_for(users["grid_steward"]).get("/api/v1/communities/nowhere/canteen/orders").json()["error"]
    assert refused["code"] != "verify_first"


def test_sign_up_and_verify_through_the_api(resident, community, django_capture_on_commit_callbacks):
    """A new person with a phone only: sign up, is told to verify, verifies, then gets the resident's answers."""
    LocmemSMSBackend.outbox.clear()
    api = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    mobile = "13900001111"
    with django_capture_on_commit_callbacks(execute=True):
        sent = api.post("/api/v1/auth/signup/code", {"mobile": mobile}, content_type="application/json")
    assert sent.status_code == 202
    code = re.search(r"\b(\d{6})\b", LocmemSMSBackend.outbox[-1].text).group(1)  # type: ignore[union-attr]
    made = api.post(
        "/api/v1/auth/signup",
        {"mobile": mobile, "otp": code, "display_name": "周丽君", "password": ""},
        content_type="application/json",
    )
    assert made.status_code == 201, made.json()
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {made.json()['token']}"}
    menus = f"/api/v1/communities/{community.code}/canteen/menus"
    assert api.get(menus, **bearer).json()["error"]["code"] == "verify_first"
    assert api.get("/api/v1/me", **bearer).json()["verified"] is False
    wrong = api.post(
        "/api/v1/me/verify", {"name": "李四", "id_number": NUMBER}, content_type="application/json", **bearer
    )
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "no_match"
    done = api.post(
        "/api/v1/me/verify", {"name": "周丽君", "id_number": NUMBER}, content_type="application/json", **bearer
    )
    assert done.status_code == 200 and done.json()["community"] == community.code
    assert api.get("/api/v1/me", **bearer).json()["verified"] is True
    assert api.get(menus, **bearer).status_code == 200
