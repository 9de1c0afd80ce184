"""Pages of the register, one module per subject."""

from .residents import resident_create, resident_detail, resident_list
from .verification import invitation_activation, invitations, verify

__all__ = ["invitation_activation", "invitations", "resident_create", "resident_detail", "resident_list", "verify"]
