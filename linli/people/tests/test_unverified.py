"""An account that signed up but has not verified (实名核验): public pages and guest reports, nothing personal;
every personal or community page answers "verify first" with a link, never a 404 or a 500."""

import re

import pytest

from linli.conftest import client_for

pytestmark = pytest.mark.django_db

PUBLIC = ["/", "/communities/", "/communities/{code}/", "/about/data/", "/reports/{code}/new/", "/reports/mine/"]
# Resident pages found reachable by a signed-in account (they 404ed or said "not linked" before).
PERSONAL = [
    "/ledger/",
    "/ledger/orders/",
    "/volunteer/",
    "/volunteer/my/",
    "/services/{code}/",
    "/canteen/{code}/",
    "/consultation/{code}/",
    "/courses/{code}/",
    "/childcare/{code}/",
    "/mediation/{code}/new/",
    "/fund/{code}/applications/mine/",
    "/volunteer/c/{code}/activities/",
    "/people/{code}/residents/",
    "/people/{code}/invitations/",
]


@pytest.fixture
def unverified(make_user):
    return make_user()


@pytest.mark.parametrize("path", PUBLIC)
def test_public_pages_and_guest_reports_stay_open(path, unverified, community):
    response = client_for(unverified).get(path.format(code=community.code))
    assert response.status_code == 200


@pytest.mark.parametrize("path", PERSONAL)
def test_personal_pages_say_verify_first_with_a_link(path, unverified, community):
    response = client_for(unverified).get(path.format(code=community.code))
    body = response.content.decode()
    assert response.status_code in (403, 404)  # the page's own status: a stranger learns nothing more
    assert "请先完成实名核验" in body and 'href="/people/verify/"' in body


def test_an_unknown_community_gets_the_same_answer(unverified, community):
    known_or_not = client_for(unverified).get("/consultation/nowhere/")
    known = client_for(unverified).get("/consultation/shibei/")
    assert known_or_not.status_code == known.status_code == 404

    def page(response):  # type: ignore[no-untyped-def]
        return re.sub(r'value="[^"]*"', "", response.content.decode()).replace("nowhere", "shibei")

    assert page(known_or_not) == page(known) and "请先完成实名核验" in page(known)


def test_english_and_the_home_call_to_action(unverified):
    en = client_for(unverified, language="en").get("/ledger/").content.decode()
    assert "Verify your identity first" in en and "Verify my identity" in en
    home = client_for(unverified).get("/").content.decode()
    assert 'data-testid="verify-cta"' in home and "实名核验" in home
    assert 'href="/people/verify/"' in client_for(unverified).get("/accounts/me/").content.decode()


def test_verified_residents_and_staff_keep_their_answers(users, make_user, community, resident):
    resident.user = users["resident"]
    resident.save()
    assert client_for(users["resident"]).get("/ledger/").status_code == 200
    assert 'data-testid="verify-cta"' not in client_for(users["resident"]).get("/").content.decode()
    # staff without a resident record are not asked to verify: they see the usual refusal
    refused = client_for(users["grid_steward"]).get("/people/nowhere/residents/")
    assert refused.status_code == 404 and "实名核验" not in refused.content.decode()
    # signed-out visitors are sent to log in as before
    from django.test import Client

    assert Client().get("/ledger/").status_code == 302


def test_new_pages_read_in_english_and_chinese(users, community, unverified):
    from django.test import Client

    pages = [
        (Client(HTTP_ACCEPT_LANGUAGE="en"), "/accounts/signup/", "Sign up", "注册"),
        (client_for(unverified, language="en"), "/people/verify/", "Verify my identity", "实名核验"),
        (
            client_for(users["social_worker"], language="en"),
            f"/people/{community.code}/invitations/",
            "Invite residents",
            "邀请",
        ),
        (
            client_for(users["social_worker"], language="en"),
            f"/people/{community.code}/invitations/activation/",
            "Who has activated",
            "激活",
        ),
    ]
    for client, path, english, chinese in pages:
        body = client.get(path).content.decode()
        assert english in body and chinese not in body, path
    zh = client_for(users["social_worker"]).get(f"/people/{community.code}/invitations/activation/").content.decode()
    assert "激活情况" in zh and "Who has activated" not in zh
