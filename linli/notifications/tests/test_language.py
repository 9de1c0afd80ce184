from typing import Any

import pytest
from django.utils import translation

from linli.ledger import services as ledger
from linli.ledger.tests.conftest import fund, key, merchant, merchant_user, product, shopper  # noqa: F401
from linli.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("staff_language", "resident_language", "title"), [("en", "zh-hans", "已退款："), ("zh-hans", "en", "Refunded: ")]
)
def test_a_staff_action_tells_the_resident_in_the_residents_language(
    shopper: Any,  # noqa: F811
    product: Any,  # noqa: F811
    merchant_user: Any,  # noqa: F811
    staff_language: str,
    resident_language: str,
    title: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Whoever acts, a notification is read later by its recipient: it is worded in the recipient's language."""
    shopper.user.language = resident_language
    shopper.user.save(update_fields=["language"])
    fund(shopper, 10)
    order = ledger.order_place(actor=shopper.user, resident=shopper, product=product, idempotency_key=key())
    with translation.override(staff_language), django_capture_on_commit_callbacks(execute=True):
        ledger.order_refund(actor=merchant_user, order=order)
    assert Notification.objects.get(user=shopper.user).title == f"{title}{product.name}"
