"""The cockpit screens are kept in the cache, yet a stored snapshot, a renamed community, another language or
another month shows on the next page, and who may open a screen is still checked on each request."""

import datetime as dt
import re

import pytest
from django.db import transaction

from linli.cockpit import services
from linli.cockpit.services import month_start
from linli.conftest import client_for, make_resident

pytestmark = pytest.mark.django_db

MONTH = dt.date(2026, 11, 1)
COMMUNITY = "/cockpit/communities/shibei/"
STREET = "/cockpit/streets/ningwei/"


def _residents_shown(body: str) -> str:
    found = re.search(r'data-testid="residents">([^<]*)<', body)
    assert found, "no residents figure on the page"
    return found.group(1)


@pytest.fixture
def stored(community, other_community):
    for seq in (1, 2):
        make_resident(community, name=f"居民{seq}", seq=seq)
    for month in (MONTH, month_start(dt.date.today())):
        for c in (community, other_community):
            services.snapshot_refresh(community=c, month=month)


def test_a_snapshot_stored_again_shows_on_the_next_page(users, community, stored):
    client = client_for(users["community_admin"])
    month = f"?month={MONTH:%Y-%m}"
    assert _residents_shown(client.get(COMMUNITY + month).content.decode()) == "2"
    assert _residents_shown(client.get(COMMUNITY + month).content.decode()) == "2"  # kept
    make_resident(community, name="居民3", seq=3)
    assert _residents_shown(client.get(COMMUNITY + month).content.decode()) == "2"  # not stored yet
    services.snapshot_refresh(community=community, month=MONTH)
    assert _residents_shown(client.get(COMMUNITY + month).content.decode()) == "3"


def test_a_snapshot_stored_while_a_page_is_rendered_is_not_kept_old(users, community, stored):
    """The version is read before the page is rendered: a page rendered from the old figures inside the storing
    transaction is thrown away once it commits."""
    client = client_for(users["community_admin"])
    month = f"?month={MONTH:%Y-%m}"
    make_resident(community, name="居民3", seq=3)
    with transaction.atomic():
        services.snapshot_refresh(community=community, month=MONTH)
        assert _residents_shown(client.get(COMMUNITY + month).content.decode()) == "3"
    assert _residents_shown(client.get(COMMUNITY + month).content.decode()) == "3"


def test_the_street_screen_shows_a_renamed_community_and_new_figures(users, community, stored):
    client = client_for(users["street_admin"])
    assert "市北社区" in client.get(STREET).content.decode()
    community.name = "市北新社区"
    community.save(update_fields=["name"])
    body = client.get(STREET).content.decode()
    assert "市北新社区" in body
    assert "市北新社区" in client.get(COMMUNITY).content.decode()


def test_each_language_and_month_its_own_screen(users, community, stored):
    client = client_for(users["community_admin"])
    chinese = client.get(COMMUNITY).content.decode()
    english = client.get(COMMUNITY, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "综合得分" in chinese and "Overall score" not in chinese
    assert "Overall score" in english and "综合得分" not in english
    under_way = client.get(f"{COMMUNITY}?month={month_start(dt.date.today()):%Y-%m}").content.decode()
    assert 'data-testid="overall"' in chinese and 'data-testid="overall"' not in under_way  # not graded yet


def test_a_kept_screen_is_still_refused_to_whom_may_not_see_it(users, community, other_community, stored):
    assert client_for(users["community_admin"]).get(COMMUNITY).status_code == 200
    assert client_for(users["street_admin"]).get(STREET).status_code == 200
    for role in ("resident", "outsider", "merchant_staff"):
        client = client_for(users[role])
        assert client.get(COMMUNITY).status_code == 404
        assert client.get(STREET).status_code == 404


def test_a_kept_screen_costs_only_the_access_check_and_the_map(
    users, community, stored, django_assert_num_queries, django_assert_max_num_queries
):
    client = client_for(users["community_admin"])
    assert client.get(COMMUNITY).status_code == 200
    with django_assert_num_queries(8):  # session, user, community, roles; the map: its health checks, its register
        assert client.get(COMMUNITY).status_code == 200
    street = client_for(users["street_admin"])
    assert street.get(STREET).status_code == 200
    with django_assert_max_num_queries(8):  # session, user, street, roles; the map: as above, with the communities
        assert street.get(STREET).status_code == 200
