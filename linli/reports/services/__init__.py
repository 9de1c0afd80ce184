"""Writing reports: submit, route, move through the states, escalate, reopen, rate; and Open311 API keys.

Every write runs in one transaction with its audit row; notifications go out after the commit."""

from .clock import reports_close_resolved, reports_escalate_overdue
from .intake import Location, attributes_clean, grid_at, report_locate, report_submit
from .keys import (
    ApiClientOverLimit,
    api_client_authenticate,
    api_client_hold,
    api_client_issue,
    api_client_over_limit,
    api_client_revoke,
    api_client_touch,
)
from .notices import level_recipients, report_url
from .setup import (
    category_attribute_add,
    category_attribute_remove,
    category_attribute_update,
    category_create,
    category_set_active,
    category_update,
)
from .workflow import (
    ALLOWED,
    KIND_OF,
    report_accept,
    report_add_note,
    report_assign,
    report_close,
    report_confirmed_award_points,
    report_mark_duplicate,
    report_rate,
    report_reject,
    report_reopen,
    report_resolve,
    report_start,
    report_support,
    reports_assign_bulk,
)

__all__ = [
    "ALLOWED",
    "KIND_OF",
    "ApiClientOverLimit",
    "Location",
    "api_client_authenticate",
    "api_client_hold",
    "api_client_issue",
    "api_client_over_limit",
    "api_client_revoke",
    "api_client_touch",
    "attributes_clean",
    "category_attribute_add",
    "category_attribute_remove",
    "category_attribute_update",
    "category_create",
    "category_set_active",
    "category_update",
    "grid_at",
    "level_recipients",
    "report_accept",
    "report_add_note",
    "report_assign",
    "report_close",
    "report_confirmed_award_points",
    "report_locate",
    "report_mark_duplicate",
    "report_rate",
    "report_reject",
    "report_reopen",
    "report_resolve",
    "report_start",
    "report_submit",
    "report_support",
    "report_url",
    "reports_assign_bulk",
    "reports_close_resolved",
    "reports_escalate_overdue",
]
