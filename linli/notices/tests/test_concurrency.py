"""Two SMS jobs at the same moment text each recipient once (PostgreSQL, real connections)."""

import datetime as dt
from typing import Any

import pytest

from linli.conftest import run_together
from linli.notices.sms import delayed_send

from .conftest import Estate, sms_to
from .test_services import publish

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_delayed_sms_jobs_at_the_same_moment_text_each_recipient_once(
    users: dict[str, Any], estate: Estate
) -> None:
    notice = publish(users["community_admin"], estate)
    assert notice.published_at is not None
    due = notice.published_at + dt.timedelta(hours=25)
    sent: list[int] = []
    assert run_together([lambda: sent.append(delayed_send(now=due))] * 4) == []
    assert sum(sent) == len(sms_to()) == len(set(sms_to())) == 3  # the three who rely on SMS, once each
