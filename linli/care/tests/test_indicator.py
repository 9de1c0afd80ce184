"""The cockpit's governance indicator: share of care-list residents visited on time in a month."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.care import selectors
from linli.care.models import Visit
from linli.cockpit.framework import load_framework
from linli.cockpit.queries.registry import run_query
from linli.people.models import Resident

pytestmark = pytest.mark.django_db


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def seen(s: Any, resident: Any, *days: dt.date) -> None:
    # visits of past months are written directly: the service only takes visits recorded within a month
    Visit.objects.bulk_create(
        [
            Visit(community=s.community, resident=resident, visited_by=s.steward, visited_at=at(d), condition="good")
            for d in days
        ]
    )


def test_on_time_share_for_a_past_month(setup: Any) -> None:
    feb = dt.date(2026, 2, 1)
    # 张阿婆 weekly: every week of February after a visit on 30 January → on time
    seen(setup, setup.alone, dt.date(2026, 1, 30), *(dt.date(2026, 2, d) for d in (6, 13, 20, 27)))
    # 李伯 monthly: 10 January then 20 February: 41 days → late
    seen(setup, setup.disabled, dt.date(2026, 1, 10), dt.date(2026, 2, 20))
    # 王奶奶 weekly: on time until the 14th, then nothing → late; a visit not seen does not count
    seen(setup, setup.other_grid, dt.date(2026, 1, 31), dt.date(2026, 2, 7), dt.date(2026, 2, 14))
    Visit.objects.create(
        community=setup.community,
        resident=setup.other_grid,
        visited_by=setup.steward,
        visited_at=at(dt.date(2026, 2, 21)),
        seen=False,
    )
    today = dt.date(2026, 3, 20)
    assert selectors.on_time_share(community=setup.community, month=feb, today=today) == pytest.approx(33.3)
    # a visit recorded in March does not change February
    seen(setup, setup.disabled, dt.date(2026, 3, 1))
    assert selectors.on_time_share(community=setup.community, month=feb, today=today) == pytest.approx(33.3)
    # the current month counts up to today; a future month has no value
    assert selectors.on_time_share(community=setup.community, month=dt.date(2026, 4, 1), today=today) is None


def test_moved_out_and_untagged_residents_are_not_counted_and_no_cadence_means_no_value(setup: Any) -> None:
    jan = dt.date(2026, 1, 1)
    Resident.objects.update(created_at=at(dt.date(2025, 6, 1)))  # on the register since last year
    # 陈奶奶 moved out on 1 January: not on January's list; the three others never visited → 0
    assert selectors.on_time_share(community=setup.community, month=jan, today=dt.date(2026, 3, 1)) == 0
    setup.community.care_cadences.all().delete()
    assert selectors.on_time_share(community=setup.community, month=jan, today=dt.date(2026, 3, 1)) is None


def test_the_indicator_is_in_the_framework_under_governance(setup: Any) -> None:
    indicator = load_framework().get("care_visited_on_time")
    assert indicator.scenario == "governance" and indicator.source == "computed" and indicator.unit == "%"
    month = timezone.localdate().replace(day=1)
    value = run_query(indicator.query, setup.community, month)
    assert value is not None and value == selectors.on_time_share(community=setup.community, month=month)
    assert run_query(indicator.query, setup.community, dt.date(2020, 1, 1)) is None  # nobody on the register then
