"""Street and city screens compare their communities on one month, never one community's October beside another's
November; the month under way is labelled as to date and set beside the same days of last month."""

import datetime as dt

import pytest
from django.utils import timezone

from linli.cockpit.models import Snapshot
from linli.cockpit.services import snapshot_refresh
from linli.conftest import client_for

pytestmark = pytest.mark.django_db

OCTOBER, NOVEMBER = dt.date(2026, 10, 1), dt.date(2026, 11, 1)


def test_the_street_reads_every_community_on_the_newest_month_or_the_one_asked(users, community, other_community):
    for month in (OCTOBER, NOVEMBER):
        snapshot_refresh(community=community, month=month)
    snapshot_refresh(community=other_community, month=OCTOBER)  # 利民 has no November yet
    client = client_for(users["street_admin"])

    rows = {r["community"]: r for r in client.get("/api/v1/streets/ningwei/cockpit").json()}
    assert {r["month"] for r in rows.values()} == {"2026-11-01"}
    assert rows["shibei"]["overall"] is not None and rows["limin"]["overall"] is None  # not October's in its place
    rows = {r["community"]: r for r in client.get("/api/v1/streets/ningwei/cockpit?month=2026-10").json()}
    assert rows["shibei"]["overall"] is not None and rows["limin"]["overall"] is not None

    page = client.get("/cockpit/streets/ningwei/").content.decode()
    assert 'data-testid="month-label"' in page and "<strong>2026-11</strong>" in page and "按月末计" in page
    assert "该月尚无数据。" in page  # 利民's row
    assert '<option value="2026-10">' in page and 'data-testid="month-to-date"' not in page
    october = client.get("/cockpit/streets/ningwei/?month=2026-10").content.decode()
    assert "该月尚无数据。" not in october and "<strong>2026-10</strong>" in october


def test_a_bad_month_is_refused_in_the_users_language(users, community):
    client = client_for(users["street_admin"])
    response = client.get("/api/v1/streets/ningwei/cockpit?month=2026-13")
    assert response.status_code == 400 and "YYYY-MM" in response.json()["error"]["message"]
    assert "月份请写成" in response.json()["error"]["message"]
    english = client_for(users["city_viewer"], "en").get("/api/v1/cockpit/city?month=November")
    assert english.status_code == 400 and english.json()["error"]["message"].startswith("Give the month")


def test_the_month_under_way_is_to_date_beside_the_same_days_of_last_month(users, community, other_community):
    this_month = timezone.localdate().replace(day=1)
    for c in (community, other_community):
        snapshot_refresh(community=c, month=this_month)
    snap = Snapshot.objects.get(community=community, month=this_month)
    assert snap.figures["days_so_far"] == timezone.localdate().day
    client = client_for(users["city_viewer"])
    rows = client.get(f"/api/v1/cockpit/city?month={this_month:%Y-%m}").json()
    assert all(r["level"] is None for r in rows)  # to date: not graded
    assert all(r["month_to_date"] and r["days_so_far"] == timezone.localdate().day for r in rows)
    assert all(set(r["to_date"]) == set(r["same_days_last_month"]) for r in rows)
    page = client.get(f"/cockpit/city/?month={this_month:%Y-%m}").content.decode()
    assert 'data-testid="month-to-date"' in page and "本月至今" in page and "上月同期" in page
    assert page.count('<th scope="row">') >= 2  # one row per community


def test_the_city_names_the_communities_without_a_supply_index_that_month(users, community, other_community):
    for c in (community, other_community):
        snapshot_refresh(community=c, month=NOVEMBER)  # no health check had been run: no supply index
    page = client_for(users["city_viewer"]).get("/cockpit/city/?month=2026-11").content.decode()
    unindexed = page.split('data-testid="unindexed"', 1)[1]
    assert "2 个社区本月没有供给指数（月末前尚无体检结果）：" in unindexed
    assert "市北社区" in unindexed and "利民社区" in unindexed
