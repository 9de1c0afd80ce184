from collections.abc import Iterator
from typing import Any

import pytest

from linli.notifications.sms import LocmemSMSBackend

from .family_factories import make_family


@pytest.fixture(autouse=True)
def empty_outbox() -> Iterator[None]:
    """No SMS left over from another test, before or after (family links and invitations send them)."""
    LocmemSMSBackend.outbox.clear()
    yield
    LocmemSMSBackend.outbox.clear()


@pytest.fixture
def family(community: Any, make_user: Any) -> Any:
    return make_family(community, make_user)
