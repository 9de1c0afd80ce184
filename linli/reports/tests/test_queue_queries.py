"""The work queue (/reports/<code>/queue/) is read lean: one report and many, of several categories, grids and
handlers, cost the same number of queries, within a ceiling; the rows still show each one's names."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.conftest import client_for
from linli.places.models import Grid
from linli.reports.models import Category, Report

from .test_open311 import make_reports

pytestmark = pytest.mark.django_db

# session, user, community, roles, the count, the header's communities and own resident, categories, grids, the
# page of reports (and the handlers to assign to, for those who may)
CEILING = 11


def cost(client: Any, url: str, assert_max: Any) -> int:
    assert client.get(url).status_code == 200  # warms the session and the caches
    with assert_max(CEILING) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_queue_costs_the_same_for_one_report_and_many(
    community, category, steward, admin_user, make_user, django_assert_max_num_queries
):
    url = f"/reports/{community.code}/queue/"
    now = timezone.now()
    make_reports(community, category, now, [0.1], attributes={"floor": "1"})
    client = client_for(admin_user)
    one = cost(client, url, django_assert_max_num_queries)

    other = Category.objects.create(community=community, code="bins", name="垃圾满溢", group="environment")
    grid = Grid.objects.create(community=community, code="G2", name="二网格", steward=make_user())
    reports = make_reports(community, other, now, [0.2, 0.3, 0.4]) + make_reports(
        community, category, now, [0.5], attributes={"floor": "2"}
    )
    for i, report in enumerate(reports):
        Report.objects.filter(pk=report.pk).update(
            grid=grid if i % 2 else None,
            assignee=steward if i % 2 else admin_user,
            due_at=now + dt.timedelta(hours=i),
        )
    many = cost(client, url, django_assert_max_num_queries)
    page = client.get(url).content.decode()
    assert "垃圾满溢" in page and "路灯不亮" in page and "二网格" in page and "王芳" in page
    assert many == one, f"{one} queries for one report, {many} for five"
