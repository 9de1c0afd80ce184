"""A volunteer's points statement names the activity the hours were served at, in the reader's language."""

import datetime as dt

import pytest
from django.utils import translation

from linli.conftest import client_for
from linli.ledger.models import Transaction
from linli.ledger.reasons import reasons_for
from linli.volunteering import services

from .test_services import AT_START, signed_in

pytestmark = pytest.mark.django_db


def test_confirmed_hours_read_as_the_rule_and_the_activity(activity, volunteer, organiser):
    record = signed_in(activity, volunteer)
    services.record_confirm(actor=organiser, record=record, now=AT_START + dt.timedelta(hours=2))
    earning = Transaction.objects.get(idempotency_key=f"volunteer-hours:{record.pk}")
    with translation.override("zh-hans"):
        assert reasons_for([earning])[earning.pk] == "志愿服务（每小时） · 邻里节"
    with translation.override("en"):
        assert reasons_for([earning])[earning.pk] == "Volunteer hour · 邻里节"
    page = client_for(volunteer.user).get("/ledger/").content.decode()
    assert "志愿服务（每小时） · 邻里节" in page and "h</td>" not in page
