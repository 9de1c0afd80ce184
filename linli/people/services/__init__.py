"""Writing the register. Each operation checks the rule, runs in one transaction and audits inside it."""

from .family import (
    family_link_confirm_code,
    family_link_confirm_in_person,
    family_link_consent,
    family_link_end,
    family_link_request,
    family_link_request_found,
    family_link_send_code,
)
from .residents import resident_create, resident_reveal_id_number, resident_update

__all__ = [
    "family_link_confirm_code",
    "family_link_confirm_in_person",
    "family_link_consent",
    "family_link_end",
    "family_link_request",
    "family_link_request_found",
    "family_link_send_code",
    "resident_create",
    "resident_reveal_id_number",
    "resident_update",
]
