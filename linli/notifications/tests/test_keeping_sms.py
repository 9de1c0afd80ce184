from typing import Any

import pytest
from django.db import transaction

from linli.notifications.models import Notification
from linli.notifications.services import keeping_sms, notify, notify_sms, telling_no_one
from linli.notifications.sms import LocmemSMSBackend, SMSMessage

pytestmark = pytest.mark.django_db


def test_texts_sent_while_keeping_are_kept_at_once_and_reach_no_sender(
    make_user: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Inside, a text is in the kept list before the transaction ends and never reaches the sender; the in-app
    notification is written as always; outside (and inside `telling_no_one`) nothing changes."""
    settings.SMS_BACKEND = "linli.notifications.sms.LocmemSMSBackend"
    LocmemSMSBackend.outbox.clear()
    user = make_user()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        with keeping_sms() as kept:
            notify_sms(mobile="13912340000", text="code 123456")
            notify(user=user, title="hello", sms=True)
            assert kept == [SMSMessage("13912340000", "code 123456"), SMSMessage(user.mobile, "hello")]
            with telling_no_one():
                notify_sms(mobile="13912340000", text="past")
        notify_sms(mobile="13912340000", text="after")
    assert len(kept) == 2
    assert [m.text for m in LocmemSMSBackend.outbox] == ["after"]
    assert list(Notification.objects.values_list("title", flat=True)) == ["hello"]
