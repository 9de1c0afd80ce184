"""Forms of the company's pages. They only parse; the services check. Amounts are typed in yuan and become fen."""

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.fund.forms import YuanField

from .models import MANUAL_EXPENSE, MANUAL_REVENUE, Source

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _key() -> str:
    return uuid.uuid4().hex


def _item_choices() -> list[tuple[str, Any]]:
    return [
        (str(_("Revenue")), [(s.value, s.label) for s in MANUAL_REVENUE]),
        (str(_("Expenses")), [(s.value, s.label) for s in MANUAL_EXPENSE]),
    ]


class PostingForm(forms.Form):
    source = forms.ChoiceField(label=_("Item"), choices=_item_choices)
    facility: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Space"), queryset=None, required=False, empty_label=_("The company as a whole")
    )
    amount_fen = YuanField(label=_("Amount (yuan)"))
    day = forms.DateField(label=_("Date"), widget=DATE)
    counterparty = forms.CharField(label=_("Paid by or paid to"), max_length=80)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    evidence = forms.FileField(label=_("Evidence (invoice or receipt, optional)"), required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, initial=_key, max_length=100)

    def __init__(self, *args: Any, spaces: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = spaces  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        source = data.get("source")
        data["direction"] = "expense" if source in {s.value for s in MANUAL_EXPENSE} else "revenue"
        return data


class SupportForm(forms.Form):
    facility: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Space supported"), queryset=None)
    amount_fen = YuanField(label=_("Amount (yuan)"))
    day = forms.DateField(label=_("Date"), widget=DATE)
    memo = forms.CharField(label=_("What the money pays for"), max_length=200)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, initial=_key, max_length=100)

    def __init__(self, *args: Any, spaces: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = spaces.filter(nature__in=["affordable", "free"])  # type: ignore[attr-defined]


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Why it is corrected"), max_length=200)


class SettingsForm(forms.Form):
    commission_bps = forms.IntegerField(
        label=_("Marketplace commission (basis points, 500 = 5%)"), min_value=0, max_value=10_000
    )
    shared_use_fen = YuanField(
        label=_("Charge per use of a space by another community's resident (yuan)"), required=False, allow_zero=True
    )

    def clean_shared_use_fen(self) -> int:
        return self.cleaned_data.get("shared_use_fen") or 0


class PrepareForm(forms.Form):
    month = forms.CharField(label=_("Month"), widget=forms.TextInput(attrs={"type": "month"}))


class DisputeForm(forms.Form):
    reason = forms.CharField(label=_("What is wrong with the statement"), max_length=200)


__all__ = ["DisputeForm", "PostingForm", "PrepareForm", "ReverseForm", "SettingsForm", "Source", "SupportForm"]
