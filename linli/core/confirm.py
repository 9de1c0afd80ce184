""" "This change affects N people already booked — confirm?": the one way a service asks and a page asks again.

A service counts the people its change concerns and calls `require_confirmation`; nothing is saved until the
caller repeats their number (or, where the API takes a yes, says yes). A page whose service raised `ConfirmNeeded`
calls `confirm_step`: the form is shown again with the message and the number carried in its hidden field, and
`core/confirm_submit.html` turns its button into the confirmation."""

from django import forms
from django.http import HttpRequest
from django.utils.functional import Promise

from .errors import ConfirmNeeded, DomainError


def require_confirmation(
    *, affected: int, confirmed: int | bool | None, message: str | Promise, field: str = "confirm_affected"
) -> None:
    """Go on when nobody is affected, when `confirmed` is True, or when it is the number affected (so that a
    confirmation given before more people booked asks again); else raise `ConfirmNeeded`."""
    if not affected or confirmed is True:
        return
    if confirmed is not None and confirmed is not False and confirmed == affected:
        return
    raise ConfirmNeeded(message, affected=affected, field=field)


def confirm_step(request: HttpRequest, form: forms.Form, exc: DomainError) -> bool:
    """Given the service's refusal: a `ConfirmNeeded` is shown on the form, its number put in the form's
    confirmation field for the next post, and True returned (the page renders with `confirm`); anything else,
    False (the caller shows it as any refusal)."""
    if not isinstance(exc, ConfirmNeeded):
        return False
    data = request.POST.copy()
    data[exc.field or "confirm_affected"] = str(exc.details.get("affected", ""))
    form.data = data
    form.add_error(None, str(exc.message))
    return True
