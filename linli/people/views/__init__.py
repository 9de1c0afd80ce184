"""Pages of the register, one module per subject."""

from .data_requests import data_request_detail, data_request_queue
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
