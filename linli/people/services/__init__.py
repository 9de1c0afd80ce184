"""Writing the register. Each operation checks the rule, runs in one transaction and audits inside it."""

from .residents import resident_create, resident_reveal_id_number, resident_update

__all__ = ["resident_create", "resident_reveal_id_number", "resident_update"]
