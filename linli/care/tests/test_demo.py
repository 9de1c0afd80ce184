"""The demo step sets cadences and records a year of visits through the services."""

import datetime as dt
import random
from typing import Any

import pytest
from django.utils import timezone

from linli.audit.models import AuditEntry
from linli.care import demo, selectors
from linli.care.models import Cadence, Visit
from linli.core.demo import DemoContext

pytestmark = pytest.mark.django_db


def test_a_year_of_visits(setup: Any) -> None:
    today = timezone.localdate()
    ctx = DemoContext(
        seed=1,
        random=random.Random(1),
        today=today,
        progress=lambda text: None,
        communities=[setup.community],
        users={"community_admin": setup.users["community_admin"], "social_worker": setup.users["social_worker"]},
    )
    demo.build(ctx)
    assert Cadence.objects.get(community=setup.community, tag__code="elderly_living_alone").every_days == 7
    assert AuditEntry.objects.filter(action="care.cadence_set").count() == len(demo.CADENCES)
    visits = Visit.objects.filter(community=setup.community)
    assert visits.filter(resident=setup.alone).count() >= 40  # weekly, for a year
    assert visits.filter(resident=setup.untagged).count() == 0 and visits.filter(resident=setup.moved).count() == 0
    first = visits.order_by("visited_at").first()
    assert first is not None and first.visited_at.date() >= today - dt.timedelta(days=366)
    assert not visits.filter(visited_at__gt=timezone.now()).exists()
    assert {v.visited_by for v in visits.filter(resident=setup.other_grid)} == {setup.other_steward}
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    share = selectors.on_time_share(community=setup.community, month=last_month)
    assert share is not None and 0 <= share <= 100
