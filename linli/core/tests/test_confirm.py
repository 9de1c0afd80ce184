"""The one "this change affects N people — confirm?" step: what the service asks and what the page carries."""

from typing import Any

import pytest
from django import forms
from django.test import RequestFactory

from linli.core.confirm import confirm_step, require_confirmation
from linli.core.errors import ConfirmNeeded, DomainError


@pytest.mark.parametrize(
    ("affected", "confirmed", "asks"),
    [(0, None, False), (3, None, True), (3, 2, True), (3, 3, False), (3, True, False), (3, False, True)],
)
def test_require_confirmation_asks_unless_nobody_or_the_number_is_repeated(
    affected: int, confirmed: Any, asks: bool
) -> None:
    if asks:
        with pytest.raises(ConfirmNeeded) as exc:
            require_confirmation(affected=affected, confirmed=confirmed, message="sure?")
        assert exc.value.details == {"affected": affected} and exc.value.code == "confirm_needed"
        assert exc.value.status == 409 and exc.value.field == "confirm_affected"
    else:
        require_confirmation(affected=affected, confirmed=confirmed, message="sure?")


class _Form(forms.Form):
    reason = forms.CharField(required=False)
    confirm_affected = forms.IntegerField(required=False, widget=forms.HiddenInput)


def test_confirm_step_carries_the_number_and_leaves_other_refusals() -> None:
    request = RequestFactory().post("/", {"reason": "停水"})
    form = _Form(request.POST)
    assert form.is_valid()
    assert confirm_step(request, form, DomainError("no")) is False
    assert confirm_step(request, form, ConfirmNeeded("2 people booked", affected=2)) is True
    assert form.non_field_errors() == ["2 people booked"]
    assert 'name="confirm_affected" value="2"' in str(form["confirm_affected"])
    assert form.data["reason"] == "停水"
