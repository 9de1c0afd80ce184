"""What a payment paid for, in the reader's language, read when it is shown (as the ledger describes its lines):
a payment keeps names, days and times only, so a meal paid on an English page reads 午餐 on a Chinese one.

A purpose whose words are translated describes its payments from their subjects (the handler's `describe`);
a top-up says so in the reader's language; the others show what they keep (names and quantities)."""

from collections import defaultdict
from collections.abc import Iterable

from django.utils.translation import gettext as _

from .models import Payment, Purpose
from .purposes import HANDLERS


def describe(payments: Iterable[Payment]) -> None:
    """Sets what each payment paid for, in the active language (read as `Payment.described`): one query per
    purpose that needs its subjects, whatever the number of payments."""
    by_purpose: dict[str, list[Payment]] = defaultdict(list)
    for payment in payments:
        by_purpose[payment.purpose].append(payment)
    for purpose, rows in by_purpose.items():
        if purpose == Purpose.TOPUP:
            for payment in rows:
                payment.described = _("Top-up of the stored balance")
            continue
        handler = HANDLERS.get(purpose)
        read = handler.describe if handler is not None else None
        subject_ids = [p.subject_id for p in rows if p.subject_id is not None]
        texts = read(subject_ids) if read is not None and subject_ids else {}
        for payment in rows:
            found = texts.get(payment.subject_id) if payment.subject_id is not None else None
            payment.described = found or payment.description
