"""Writing the register. Each operation checks the rule, runs in one transaction and audits inside it."""

from .data_requests import data_deletion_request, data_export_record, data_request_approve, data_request_refuse
from .households import household_create, household_update
from .invitations import invitations_send
from .residents import (
    resident_create,
    resident_move_back,
    resident_move_out,
    resident_reveal_id_number,
    resident_update,
)
from .verification import resident_verify

__all__ = [
    "data_deletion_request",
    "data_export_record",
    "data_request_approve",
    "data_request_refuse",
    "household_create",
    "household_update",
    "invitations_send",
    "resident_create",
    "resident_move_back",
    "resident_move_out",
    "resident_reveal_id_number",
    "resident_update",
    "resident_verify",
]
