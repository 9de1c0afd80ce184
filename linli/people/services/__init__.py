"""Writing the register. Each operation checks the rule, runs in one transaction and audits inside it."""

from .data_requests import data_deletion_request, data_export_record, data_request_approve, data_request_refuse
from .family import (
    family_link_confirm_code,
    family_link_confirm_in_person,
    family_link_consent,
    family_link_end,
    family_link_request,
    family_link_request_found,
    family_link_send_code,
)
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
    "family_link_confirm_code",
    "family_link_confirm_in_person",
    "family_link_consent",
    "family_link_end",
    "family_link_request",
    "family_link_request_found",
    "family_link_send_code",
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
