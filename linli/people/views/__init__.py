"""Pages of the register, one module per subject."""

from .data_requests import data_request_detail, data_request_queue
from .family import (
    family_ask_find,
    family_ask_household,
    family_confirm_code,
    family_confirm_in_person,
    family_consent,
    family_end,
    family_links,
    family_mine,
    family_send_code,
)
from .households import building_households, building_list, household_create, household_detail, household_edit
from .residents import (
    resident_create,
    resident_detail,
    resident_edit,
    resident_list,
    resident_move_back,
    resident_move_out,
)
from .verification import invitation_activation, invitations, verify

__all__ = [
    "building_households",
    "building_list",
    "data_request_detail",
    "data_request_queue",
    "family_ask_find",
    "family_ask_household",
    "family_confirm_code",
    "family_confirm_in_person",
    "family_consent",
    "family_end",
    "family_links",
    "family_mine",
    "family_send_code",
    "household_create",
    "household_detail",
    "household_edit",
    "invitation_activation",
    "invitations",
    "resident_create",
    "resident_detail",
    "resident_edit",
    "resident_list",
    "resident_move_back",
    "resident_move_out",
    "verify",
]
