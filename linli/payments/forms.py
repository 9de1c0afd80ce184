"""Forms of the counter and the reconciliation pages: they parse; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.core.uploads import MaxFileSizeValidator
from linli.ledger.models import MAX_ORDER_QUANTITY

from .models import Method

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


class CounterMethodForm(forms.Form):
    """The front desk takes a booking's, class's or meal's fee: only how it was paid (the amount is the record's)."""

    method = forms.ChoiceField(
        label=_("Payment method"), choices=[c for c in Method.choices if c[0] != Method.ONLINE], initial=Method.CASH
    )
