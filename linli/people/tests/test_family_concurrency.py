"""Family links under concurrent requests (PostgreSQL): one open link per pair, one use per code."""

import pytest

from linli.conftest import run_together
from linli.core.errors import Conflict, DomainError
from linli.notifications.sms import LocmemSMSBackend
from linli.people import services
from linli.people.models import FamilyLink

from .family_factories import FATHER_MOBILE, make_family

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_asking_twice_at_once_makes_one_link(community, make_user):
    user, _daughter, father = make_family(community, make_user)
    errors = run_together([lambda: services.family_link_request(actor=user, elder=father)] * 4)
    assert FamilyLink.objects.filter(elder=father).count() == 1
    assert len(errors) == 3 and all(isinstance(e, Conflict) for e in errors)


def test_ending_and_confirming_at_once_leave_one_consistent_state(community, make_user, users):
    user, _daughter, father = make_family(community, make_user)
    LocmemSMSBackend.outbox.clear()
    link = services.family_link_request(actor=user, elder=father)
    services.family_link_send_code(actor=user, link=link)
    text = [m.text for m in LocmemSMSBackend.outbox if m.mobile == FATHER_MOBILE][-1]
    code = next(w for w in text.replace("，", " ").replace("（", " ").split() if w.isdigit() and len(w) == 6)
    errors = run_together(
        [
            lambda: services.family_link_confirm_code(actor=user, link=link, code=code),
            lambda: services.family_link_end(actor=users["social_worker"], link=link),
        ]
    )
    link.refresh_from_db()
    assert all(isinstance(e, DomainError) for e in errors) and len(errors) <= 1
    if errors:  # ended first: the code no longer works
        assert link.status == "ended"
    else:  # confirmed, then ended
        assert link.status == "ended" and link.confirmed_at is not None
