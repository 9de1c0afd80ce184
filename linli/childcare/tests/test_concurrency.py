"""On PostgreSQL: a family withdrawing an admitted child while the staff decide on it again."""

import datetime as dt

import pytest
from django.utils import timezone

from linli.childcare import services
from linli.childcare.models import AgeGroup, Application
from linli.conftest import make_resident, run_together
from linli.core.errors import DomainError
from linli.facilities.tests.factories import make_facility

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_withdrawal_racing_a_decision_neither_deadlocks_nor_miscounts(community, users):
    staff = users["community_admin"]
    facility = make_facility(community, "nursery", "childcare", name="幸福托育点")
    group = services.group_create(actor=staff, facility=facility, name="托小班", min_months=6, max_months=36, places=30)
    today = timezone.localdate()
    for trial in range(20):
        child = make_resident(community, name=f"小宝{trial}", birth=today - dt.timedelta(days=400), seq=100 + trial)
        application = services.application_submit(
            actor=staff, group=group, child=child, start_on=today + dt.timedelta(days=7)
        )
        services.application_admit(actor=staff, application=application)
        errors = run_together(
            [
                lambda a=application: services.application_withdraw(actor=staff, application=a),
                lambda a=application: services.application_decline(actor=staff, application=a, reason="名额调整"),
            ]
        )
        assert len(errors) == 1 and isinstance(errors[0], DomainError), errors  # the decision: already decided
        assert Application.objects.get(pk=application.pk).status == Application.Status.WITHDRAWN
        assert AgeGroup.objects.get(pk=group.pk).admitted == 0
