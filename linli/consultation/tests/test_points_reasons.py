"""A resident's points statement names the proposal they supported, never "matter 73"."""

from typing import Any

import pytest
from django.utils import translation

from linli.consultation import services
from linli.ledger.models import Transaction
from linli.ledger.reasons import reasons_for

pytestmark = pytest.mark.django_db


def test_a_support_reads_as_the_rule_and_the_proposals_title(
    matter: Any, bob: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.matter_support(actor=bob, matter=matter)
    earning = Transaction.objects.get(idempotency_key__startswith=f"consultation:support:{matter.pk}:")
    with translation.override("zh-hans"):
        reason = reasons_for([earning])[earning.pk]
    assert reason.endswith("· 3幢楼道灯坏了") and "matter" not in reason
