import re

import pytest

from linli.notifications.sms import LocmemSMSBackend


@pytest.fixture(autouse=True)
def empty_outbox() -> None:
    """Each test of accounts starts with no SMS sent (login and sign-up codes are read from the outbox)."""
    LocmemSMSBackend.outbox.clear()


def code_from_outbox() -> str:
    """The six-digit code of the last SMS sent."""
    match = re.search(r"\b(\d{6})\b", LocmemSMSBackend.outbox[-1].text)
    assert match
    return match.group(1)
