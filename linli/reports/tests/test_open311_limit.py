"""An Open311 key's hourly limit holds under parallel requests: the key's row is locked while its hour is counted."""

from typing import Any

import pytest
from django.test import Client

from linli.conftest import run_together
from linli.reports import services
from linli.reports.models import Category, Report

from .conftest import CENTRE


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_posts_never_make_more_reports_than_the_keys_hourly_limit(community: Any, admin_user: Any) -> None:
    Category.objects.create(community=community, code="001", name="路灯不亮", group="repairs")
    _client, key = services.api_client_issue(
        actor=admin_user, community=community, name="City hotline", requests_per_hour=5
    )
    data = {"api_key": key, "service_code": "001", "lat": CENTRE[0], "long": CENTRE[1], "description": "灯坏了"}
    statuses: list[int] = []

    def post() -> None:
        statuses.append(Client().post("/open311/v2/requests.json", data).status_code)

    errors = run_together([post] * 20)
    assert errors == []
    assert Report.objects.count() == 5
    assert sorted(statuses) == [201] * 5 + [429] * 15
