"""Errors a service raises when a rule says no. Views and the API turn them into a message in the user's language."""

from typing import Any

from django.utils.functional import Promise


class DomainError(Exception):
    """A refused operation. `message` is shown to the user; `code` is stable for API clients."""

    code = "invalid"
    status = 400

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str | None = None,
        field: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        self.field = field
        self.details = details or {}

    def show_on(self, form: Any) -> None:
        """Put the refusal on the form field it names, or above the form."""
        form.add_error(self.field if self.field in form.fields else None, str(self.message))


class NotAllowed(DomainError):
    code = "forbidden"
    status = 403


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Conflict(DomainError):
    code = "conflict"
    status = 409


class VerifyFirst(NotAllowed):
    """A personal page or action asked of an account not yet bound to a resident (实名核验 not done)."""

    code = "verify_first"


class ConfirmNeeded(Conflict):
    """A change that concerns people already booked, enrolled or who ordered, asked again before it is made:
    `details["affected"]` is their number (the API shows it), and the caller confirms through the field `field`
    (`linli.core.confirm.require_confirmation` raises it; `linli.core.confirm.confirm_step` asks on a page)."""

    code = "confirm_needed"
    public_details = True

    def __init__(self, message: str | Promise, *, affected: int, field: str = "confirm_affected") -> None:
        super().__init__(message, field=field, details={"affected": affected})
