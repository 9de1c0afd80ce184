"""Pages of the register, one module per subject."""

from .residents import resident_create, resident_detail, resident_list

__all__ = ["resident_create", "resident_detail", "resident_list"]
