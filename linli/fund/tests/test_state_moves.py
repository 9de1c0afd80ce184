"""A project reports on the locked grant: an application read while it was funded, and no longer is, is refused."""

from typing import Any

import pytest
from django.utils import translation

from linli.core.errors import Conflict
from linli.fund import services
from linli.fund.models import Application, ProjectReport
from linli.ledger.models import Transaction

from .conftest import approved, donate, key

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "words"), [("en", "no longer funded"), ("zh-hans", "不再获资助")])
def test_a_report_on_a_grant_no_longer_funded_is_refused(
    manager: Any,
    community: Any,
    grant_round: Any,
    applicant: Any,
    applicant_user: Any,
    reviewers: list[Any],
    language: str,
    words: str,
) -> None:
    donate(manager, community, 1_000_000)
    grant = approved(manager, grant_round, applicant, applicant_user, reviewers, 500_000)
    services.tranche_pay(actor=manager, application=grant, amount_fen=300_000, idempotency_key=key())
    seen = Application.objects.get(pk=grant.pk)  # approved, as the grantee's page read it
    Application.objects.filter(pk=grant.pk).update(status=Application.Status.REJECTED)  # withdrawn by the fund
    transactions = Transaction.objects.count()
    with translation.override(language), pytest.raises(Conflict) as refused:
        services.report_submit(actor=applicant_user, application=seen, period="2026 Q2", body="送餐", spent_fen=1000)
    assert words in str(refused.value.message)
    assert not ProjectReport.objects.exists() and Transaction.objects.count() == transactions
