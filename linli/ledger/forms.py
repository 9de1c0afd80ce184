"""Forms for the merchant's and the staff's pages. They parse; the services decide (and their refusals come back
onto the form, on the field they name)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.accounts.validators import mobile_validator
from linli.places.selectors import community_list_public

from .codes import FundingCode
from .models import (
    MAX_CAP,
    MAX_POLICY_NUMBER,
    MAX_PRICE_FEN,
    MAX_PRICE_POINTS,
    MAX_RULE_POINTS,
    MAX_STOCK,
    Merchant,
    Product,
)


class MerchantApplyForm(forms.Form):
    community = forms.ModelChoiceField(
        label=_("Community"), queryset=community_list_public().order_by("name"), to_field_name="code"
    )
    name = forms.CharField(label=_("Name of the shop or service"), max_length=60)
    kind = forms.ChoiceField(label=_("Kind"), choices=Merchant.Kind.choices)
    description = forms.CharField(
        label=_("What you offer"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    address = forms.CharField(label=_("Address"), max_length=120, required=False)
    contact_mobile = forms.CharField(
        label=_("Contact mobile"), max_length=11, required=False, validators=[mobile_validator]
    )
    open_to_all_communities = forms.BooleanField(
        label=_("Serve residents of every community (共富 point)"), required=False
    )


class ProductForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("name of a thing", "Name"), max_length=60)
    kind = forms.ChoiceField(label=_("Kind"), choices=Product.Kind.choices)
    description = forms.CharField(
        label=_("Description"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    price_points = forms.IntegerField(label=_("Price in points"), initial=0, max_value=MAX_PRICE_POINTS)
    price_fen = forms.IntegerField(label=_("Price in fen (1 yuan = 100 fen)"), initial=0, max_value=MAX_PRICE_FEN)
    stock = forms.IntegerField(label=_("In stock"), initial=0, max_value=MAX_STOCK)
    active = forms.BooleanField(label=_("On sale"), required=False, initial=True)


class EarningRuleForm(forms.Form):
    name = forms.CharField(
        label=pgettext_lazy("name of a thing", "Name"),
        max_length=60,
        required=False,
        help_text=_("Empty: the standard name."),
    )
    points = forms.IntegerField(label=_("Points per unit"), max_value=MAX_RULE_POINTS)
    daily_cap = forms.IntegerField(
        label=_("Daily cap"), required=False, help_text=_("Empty: no cap."), max_value=MAX_CAP
    )
    monthly_cap = forms.IntegerField(
        label=_("Monthly cap"), required=False, help_text=_("Empty: no cap."), max_value=MAX_CAP
    )
    yearly_cap = forms.IntegerField(
        label=_("Yearly cap"), required=False, help_text=_("Empty: no cap."), max_value=MAX_CAP
    )
    funding_code = forms.ChoiceField(label=_("Paid by"), choices=FundingCode.choices)
    enabled = forms.BooleanField(label=_("Enabled"), required=False)


class NewEarningRuleForm(EarningRuleForm):
    field_order = ["name", "points", "daily_cap", "monthly_cap", "yearly_cap", "funding_code", "enabled"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        self.fields["name"].help_text = ""
        self.fields["enabled"].initial = True


class PolicyForm(forms.Form):
    fen_per_point = forms.IntegerField(
        label=_("Value of one point (fen)"),
        help_text=_("What a merchant is paid per point accepted."),
        max_value=MAX_POLICY_NUMBER,
    )
    expiry_enabled = forms.BooleanField(label=_("Points expire"), required=False)
    expiry_years = forms.IntegerField(
        label=_("Years before expiry"),
        help_text=_("Points earned in a year expire at the end of that many calendar years later (1: next year)."),
        max_value=MAX_POLICY_NUMBER,
    )
    expiry_notice_days = forms.IntegerField(label=_("Days of notice before expiry"), max_value=MAX_POLICY_NUMBER)
