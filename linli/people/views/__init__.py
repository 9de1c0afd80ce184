"""Pages of the register, one module per subject."""

from .family import (
    family_confirm_code,
    family_confirm_in_person,
    family_consent,
    family_end,
    family_links,
    family_mine,
    family_send_code,
)
from .residents import resident_create, resident_detail, resident_list

__all__ = [
    "family_confirm_code",
    "family_confirm_in_person",
    "family_consent",
    "family_end",
    "family_links",
    "family_mine",
    "family_send_code",
    "resident_create",
    "resident_detail",
    "resident_list",
]
