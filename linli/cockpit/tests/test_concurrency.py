"""Racing writes on PostgreSQL: two runs of the scheduled job catching up missed months store each month once."""

import datetime as dt

import pytest
from freezegun import freeze_time

from linli.cockpit import services
from linli.cockpit.models import Snapshot
from linli.conftest import make_resident, run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_runs_at_once_store_each_missed_month_once(community):
    with freeze_time("2026-08-20 10:00:00"):
        make_resident(community, name="早住户", birth=dt.date(1950, 1, 1), seq=1)
    with freeze_time("2026-11-02 09:00:00"):
        errors = run_together([lambda: services.closed_months_refresh(communities=[community]) for _ in range(2)])
        assert errors == []
        assert services.closed_months_refresh(communities=[community]) == 0
    months = Snapshot.objects.filter(community=community).order_by("month").values_list("month", flat=True)
    assert list(months) == [dt.date(2026, 8, 1), dt.date(2026, 9, 1), dt.date(2026, 10, 1)]
