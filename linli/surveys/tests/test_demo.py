"""The demo steps of notices and surveys, through the services: deterministic for a seed, dates before the build
day, read receipts, an anonymous survey with answers attached to a round-table matter."""

import random
from typing import Any

import pytest
from django.utils import timezone

from linli.core.demo import DemoContext
from linli.notices import demo as notices_demo
from linli.notices.models import Notice, NoticeRecipient
from linli.notices.sms import delayed_send, urgent_send
from linli.surveys import demo as surveys_demo
from linli.surveys.models import Response, Survey

pytestmark = pytest.mark.django_db


def test_a_year_of_notices_and_a_survey_with_answers(estate: Any, users: dict[str, Any]) -> None:
    today = timezone.localdate()
    ctx = DemoContext(
        seed=7,
        random=random.Random(7),
        today=today,
        progress=lambda text: None,
        communities=[estate.community],
        users={"social_worker": users["social_worker"]},
    )
    notices_demo.build(ctx)
    notices = Notice.objects.filter(community=estate.community)
    assert notices.count() == 12 * 2 + len(notices_demo.URGENT)
    assert notices.filter(urgent=True).count() == len(notices_demo.URGENT)
    assert not notices.exclude(status=Notice.Status.PUBLISHED).exists()
    assert all(n.published_at.date() < today for n in notices)  # type: ignore[union-attr]
    assert NoticeRecipient.objects.filter(read_at__isnull=False).exists()
    # nothing old is left for the SMS jobs to send when the demo starts: the urgent texts went to every mobile
    assert all(urgent_send(notice_id=n.pk) == 0 for n in notices.filter(urgent=True))
    assert delayed_send() == 0
    assert NoticeRecipient.objects.filter(notice__urgent=True, sms_sent_at__isnull=False).exists()

    surveys_demo.build(ctx)
    survey = Survey.objects.get(status=Survey.Status.OPEN)
    assert survey.anonymous and survey.matter is not None and survey.questions.count() == 4
    assert survey.published_at < timezone.now()  # type: ignore[operator]
    assert Response.objects.filter(survey=survey).exists()
    assert not Response.objects.filter(survey=survey, resident__isnull=False).exists()
    assert Survey.objects.filter(status=Survey.Status.DRAFT).count() == 1
