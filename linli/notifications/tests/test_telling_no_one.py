from typing import Any

import pytest
from django.db import transaction

from linli.notifications.models import Notification
from linli.notifications.services import notify, notify_many, notify_sms, notify_with_change, telling_no_one
from linli.notifications.sms import LocmemSMSBackend

pytestmark = pytest.mark.django_db


def test_history_written_while_telling_no_one_sends_nothing(
    make_user: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Events recorded long after they happened reach nobody; outside, telling works as before."""
    settings.SMS_BACKEND = "linli.notifications.sms.LocmemSMSBackend"
    LocmemSMSBackend.outbox.clear()
    user = make_user()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        with telling_no_one():
            notify(user=user, title="past", sms=True)
            notify_with_change(user=user, title="past")
            notify_many([{"user": user, "title": "past"}])
            notify_sms(mobile=user.mobile, text="past")
        notify(user=user, title="now", sms=True)
    assert list(Notification.objects.values_list("title", flat=True)) == ["now"]
    assert [m.text for m in LocmemSMSBackend.outbox] == ["now"]
