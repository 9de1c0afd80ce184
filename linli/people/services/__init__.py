"""Writing the register. Each operation checks the rule, runs in one transaction and audits inside it."""

from .invitations import invitations_send
from .residents import resident_create, resident_reveal_id_number, resident_update
from .verification import resident_verify

__all__ = ["invitations_send", "resident_create", "resident_reveal_id_number", "resident_update", "resident_verify"]
