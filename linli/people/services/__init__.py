"""Writing the register. Each operation checks the rule, runs in one transaction and audits inside it."""

from .data_requests import data_deletion_request, data_export_record, data_request_approve, data_request_refuse
from .households import household_create, household_update
from .residents import (
    resident_create,
    resident_move_back,
    resident_move_out,
    resident_reveal_id_number,
    resident_update,
)

__all__ = [
    "data_deletion_request",
    "data_export_record",
    "data_request_approve",
    "data_request_refuse",
    "household_create",
    "household_update",
    "resident_create",
    "resident_move_back",
    "resident_move_out",
    "resident_reveal_id_number",
    "resident_update",
]
