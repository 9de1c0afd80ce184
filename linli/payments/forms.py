"""Forms of the counter and the reconciliation pages: they parse; the services decide."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.core.uploads import MaxFileSizeValidator
from linli.ledger.models import MAX_ORDER_QUANTITY

from .models import MAX_STORED_VALUE_LIMIT_FEN, Method

STATEMENT_MAX_BYTES = 5 * 1024 * 1024


class CounterForm(forms.Form):
    resident = forms.CharField(label=_("Resident (mobile number or full name)"), max_length=40)
    product = forms.TypedChoiceField(label=_("Product"), coerce=int)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_ORDER_QUANTITY, initial=1)
    method = forms.ChoiceField(
        label=_("Payment method"), choices=[c for c in Method.choices if c[0] != Method.ONLINE], initial=Method.CASH
    )

    def __init__(self, *args: object, products: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["product"].choices = products  # type: ignore[attr-defined]


class ReconcileForm(forms.Form):
    provider = forms.ChoiceField(label=_("Payment provider"))
    day = forms.DateField(label=_("Day of the statement"))
    file = forms.FileField(
        label=_("Statement file (对账单, CSV)"), validators=[MaxFileSizeValidator(STATEMENT_MAX_BYTES)]
    )

    def __init__(self, *args: object, providers: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["provider"].choices = providers  # type: ignore[attr-defined]


def yuan_field(label: Any, *, required: bool = True, minimum: str = "0.01") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal(minimum),
        max_value=Decimal(MAX_STORED_VALUE_LIMIT_FEN) / 100,
        max_digits=9,
        decimal_places=2,
    )


def to_fen(amount: Decimal | None) -> int | None:
    return None if amount is None else int(amount * 100)


class TopupForm(forms.Form):
    amount = yuan_field(_("Amount to top up (yuan)"))


class WithdrawForm(forms.Form):
    amount = yuan_field(_("Amount to withdraw (yuan; empty: all of it)"), required=False)


class CounterTopupForm(forms.Form):
    resident = forms.CharField(label=_("Resident (mobile number or full name)"), max_length=40)
    amount = yuan_field(_("Amount to top up (yuan)"))
    method = forms.ChoiceField(
        label=_("Payment method"), choices=[c for c in Method.choices if c[0] != Method.ONLINE], initial=Method.CASH
    )


class CounterWithdrawForm(forms.Form):
    resident = forms.CharField(label=_("Resident (mobile number or full name)"), max_length=40)
    amount = yuan_field(_("Amount to withdraw (yuan; empty: all of it)"), required=False)


class StoredValuePolicyForm(forms.Form):
    enabled = forms.BooleanField(label=_("Residents may top up a balance"), required=False)
    limit = yuan_field(_("Most one resident may hold (yuan)"), minimum="0")


class CounterMethodForm(forms.Form):
    """The front desk takes a booking's, class's or meal's fee: only how it was paid (the amount is the record's)."""

    method = forms.ChoiceField(
        label=_("Payment method"), choices=[c for c in Method.choices if c[0] != Method.ONLINE], initial=Method.CASH
    )
