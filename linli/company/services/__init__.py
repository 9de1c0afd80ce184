"""Writes of the community company: revenue collected from its spaces (`collect`), the books kept by hand and
the monthly close (`books`), and 共富 settlement between communities (`settlement`). Money moves only through
the ledger's posting function."""

from .books import entry_post, month_close, posting_reverse, settings_update
from .collect import (
    CollectResult,
    company_account,
    company_settings,
    month_open_lock,
    posting_make,
    revenue_collect,
    support_post,
)
from .settlement import (
    counterparts,
    owed,
    settlement_confirm,
    settlement_dispute,
    settlement_prepare,
    settlements_prepare,
)

__all__ = [
    "CollectResult",
    "company_account",
    "company_settings",
    "counterparts",
    "entry_post",
    "month_close",
    "month_open_lock",
    "owed",
    "posting_make",
    "posting_reverse",
    "revenue_collect",
    "settings_update",
    "settlement_confirm",
    "settlement_dispute",
    "settlement_prepare",
    "settlements_prepare",
    "support_post",
]
