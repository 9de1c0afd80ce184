"""Forms for the fund's pages. They only parse; the services check. Amounts are typed in yuan and become fen."""

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from linli.core.errors import DomainError
from linli.facilities.money import yuan_to_fen

from .models import Category, Donation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class YuanField(forms.Field):
    """An amount in yuan typed as text ("1200.50"), cleaned to whole fen (120050) by the shared `yuan_to_fen`;
    its refusals are reworded for an amount of money (not a price)."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "placeholder": "1200.50"})

    def __init__(self, *, allow_zero: bool = False, **kwargs: Any) -> None:
        self.allow_zero = allow_zero
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        try:
            fen = yuan_to_fen(value, field="amount")
        except DomainError as exc:
            if exc.code == "negative_price":
                raise ValidationError(_("The amount must be greater than zero."), code="amount_not_positive") from None
            raise ValidationError(
                _("Enter an amount in yuan with at most two decimals, e.g. 1200 or 1200.50."), code="invalid_amount"
            ) from None
        if fen == 0 and not self.allow_zero:
            raise ValidationError(_("The amount must be greater than zero."), code="amount_not_positive")
        return fen


def _key() -> str:
    return uuid.uuid4().hex


class DonationForm(forms.Form):
    donor_kind = forms.ChoiceField(label=_("Donor"), choices=Donation.DonorKind.choices)
    donor_name = forms.CharField(label=_("Donor's name"), max_length=80)
    anonymous = forms.BooleanField(label=_("Show as an anonymous donor on the public page"), required=False)
    amount_fen = YuanField(label=_("Amount (yuan)"))
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    purpose = forms.CharField(label=_("Purpose"), max_length=120, required=False)
    partner: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Community partner (if the donor is one)"), queryset=None, required=False
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, initial=_key, max_length=100)

    def __init__(self, *args: Any, partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners  # type: ignore[attr-defined]


class RoundForm(forms.Form):
    name = forms.CharField(label=_("Title"), max_length=80)
    categories = forms.MultipleChoiceField(
        label=_("Categories funded"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=list(Category.values),
    )
    budget_fen = YuanField(label=_("Budget (yuan)"))
    opens_on = forms.DateField(label=_("Opens on"), widget=DATE)
    closes_on = forms.DateField(label=_("Closes on"), widget=DATE)
    min_reviews = forms.IntegerField(label=_("Reviews needed before a decision"), initial=3, min_value=1, max_value=9)
    reviewers: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Reviewers"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, reviewers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = reviewers  # type: ignore[attr-defined]


class ApplicationForm(forms.Form):
    applicant: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Apply in the name of"), queryset=None)
    title = forms.CharField(label=_("Project title"), max_length=100)
    category = forms.ChoiceField(label=_("Category"))
    requested_fen = YuanField(label=_("Amount requested (yuan)"))
    summary = forms.CharField(
        label=_("Plan: what the project does, for whom, when, and what the money buys"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args: Any, partners: Any, categories: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["applicant"].queryset = partners  # type: ignore[attr-defined]
        self.fields["category"].choices = [(c, label) for c, label in Category.choices if c in categories]  # type: ignore[attr-defined]


class ScoreForm(forms.Form):
    score = forms.IntegerField(label=_("Score (0–100)"), min_value=0, max_value=100)
    comment = forms.CharField(
        label=_("Comment"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ConflictForm(forms.Form):
    reason = forms.CharField(label=_("How you are tied to the applicant"), max_length=200)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    approved_fen = YuanField(label=_("Amount granted (yuan, at most the amount requested)"), required=False)
    note = forms.CharField(
        label=_("Note to the applicant (the reason, if rejected)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "approve" and data.get("approved_fen") is None and "approved_fen" not in self.errors:
            self.add_error("approved_fen", _("Enter the amount granted."))
        return data


class TrancheForm(forms.Form):
    amount_fen = YuanField(label=_("Amount to pay now (yuan)"))
    idempotency_key = forms.CharField(widget=forms.HiddenInput, initial=_key, max_length=100)


class ReportForm(forms.Form):
    period = forms.CharField(label=_("Period"), max_length=40, help_text=_("For example: May 2026, or the first half"))
    body = forms.CharField(label=_("What was done"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6}))
    spent_fen = YuanField(label=_("Spent in this period (yuan)"), required=False, allow_zero=True)
