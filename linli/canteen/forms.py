"""The canteen's staff forms: publish or change a menu, add a price rule."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy

from .models import FUNDING_PAYERS, Menu


class MenuForm(forms.Form):
    canteen: forms.ModelChoiceField = forms.ModelChoiceField(label=gettext_lazy("canteen"), queryset=None)
    day = forms.DateField(label=gettext_lazy("day"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    meal = forms.ChoiceField(label=gettext_lazy("meal"), choices=Menu.Meal.choices, initial=Menu.Meal.LUNCH)
    dishes = forms.CharField(
        label=gettext_lazy("dishes"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("One dish per line."),
    )
    price = forms.DecimalField(
        label=gettext_lazy("price (yuan)"), max_digits=7, decimal_places=2, min_value=0, initial=10
    )
    capacity = forms.IntegerField(label=gettext_lazy("portions"), min_value=1, max_value=100000, initial=120)
    order_until = forms.TimeField(
        label=gettext_lazy("order until"),
        initial=dt.time(9, 30),
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
    )
    serve_from = forms.TimeField(
        label=gettext_lazy("served from"),
        required=False,
        initial=dt.time(11, 0),
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
    )
    serve_until = forms.TimeField(
        label=gettext_lazy("served until"),
        required=False,
        initial=dt.time(12, 30),
        help_text=gettext_lazy("When diners come to eat or collect; residents see it with the menu."),
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
    )


class MenuEditForm(MenuForm):
    """The same fields but the canteen; a reason the residents who ordered are told, and the confirmation."""

    reason = forms.CharField(
        label=gettext_lazy("Reason (told to residents who ordered)"), max_length=200, required=False
    )
    confirm_affected = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        del self.fields["canteen"]


class MenuWithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (told to residents who ordered)"), max_length=200, required=False
    )
    confirm_affected = forms.IntegerField(required=False, widget=forms.HiddenInput)


class PriceRuleForm(forms.Form):
    label = forms.CharField(
        label=gettext_lazy("label"), max_length=60, help_text=gettext_lazy("What residents see, e.g. “80岁以上”.")
    )
    min_age = forms.IntegerField(label=gettext_lazy("from age"), min_value=0, max_value=120, initial=80)
    resident_pays = forms.DecimalField(
        label=gettext_lazy("diner pays (yuan)"), max_digits=7, decimal_places=2, min_value=0, initial=0
    )
    payer = forms.ChoiceField(label=gettext_lazy("rest paid by"), choices=[(p.value, p.label) for p in FUNDING_PAYERS])
    starts_on = forms.DateField(
        label=gettext_lazy("from"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text=gettext_lazy("Only for a trial period; leave empty for a standing rule."),
    )
    ends_on = forms.DateField(
        label=gettext_lazy("until"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
