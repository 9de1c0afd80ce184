"""Writes for the community fund. Money moves only through `linli.ledger.services.money_transfer`."""

from .common import MAX_FEN, fund_account, grant_account
from .donations import contribution_receive, donation_record
from .payouts import report_submit, tranche_pay
from .rounds import (
    application_decide,
    application_submit,
    conflict_declare,
    review_score,
    round_close,
    round_create,
    round_reopen,
    round_start_review,
)

__all__ = [
    "MAX_FEN",
    "application_decide",
    "application_submit",
    "conflict_declare",
    "contribution_receive",
    "donation_record",
    "fund_account",
    "grant_account",
    "report_submit",
    "review_score",
    "round_close",
    "round_create",
    "round_reopen",
    "round_start_review",
    "tranche_pay",
]
