"""Moving value. Every function here that moves points or money:

- takes an idempotency key (unique per community): a retry with the same key returns the first result and moves
  nothing; the same key with different arguments is refused;
- writes one `Transaction` whose entries sum to zero per unit, in one database transaction;
- locks every account it touches (`select_for_update`, primary-key order, after any product or order row),
  updates their balances in that transaction and refuses to take any account below its floor;
- records an audit row in the same transaction.
"""

from .accounts import (
    clearing_account,
    earning_rules_seed,
    escrow_account,
    external_account,
    funding_account,
    funding_accounts_open,
    ledger_settings_open,
    merchant_account,
    payment_prepaid_account,
    payment_suspense_account,
    pool_account,
    resident_account,
)
from .earning import EarnResult, earning_rule_create, earning_rule_get, earning_rule_update, points_earn
from .expiry import ExpiryResult, points_expire, points_expiry_notify
from .funding import funding_deposit, ledger_settings_update
from .marketplace import (
    merchant_apply,
    merchant_decide,
    merchant_settle,
    order_place,
    order_redeem,
    order_refund,
    product_save,
)
from .posting import (
    MAX_AMOUNT,
    MONEY_KINDS,
    REVERSIBLE_KINDS,
    InsufficientBalance,
    WrittenEntry,
    lock_accounts,
    money_transfer,
    points_transfer,
    transaction_reverse,
    whole_amount,
)

__all__ = [
    "MAX_AMOUNT",
    "MONEY_KINDS",
    "REVERSIBLE_KINDS",
    "EarnResult",
    "ExpiryResult",
    "InsufficientBalance",
    "WrittenEntry",
    "clearing_account",
    "earning_rule_create",
    "earning_rule_get",
    "earning_rule_update",
    "earning_rules_seed",
    "escrow_account",
    "external_account",
    "funding_account",
    "funding_accounts_open",
    "funding_deposit",
    "ledger_settings_open",
    "ledger_settings_update",
    "lock_accounts",
    "merchant_account",
    "merchant_apply",
    "merchant_decide",
    "merchant_settle",
    "money_transfer",
    "order_place",
    "order_redeem",
    "order_refund",
    "payment_prepaid_account",
    "payment_suspense_account",
    "points_earn",
    "points_expire",
    "points_expiry_notify",
    "points_transfer",
    "pool_account",
    "product_save",
    "resident_account",
    "transaction_reverse",
    "whole_amount",
]
