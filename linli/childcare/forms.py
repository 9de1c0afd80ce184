"""The childcare staff's form: an age group, its places, fee and where it is."""

from django import forms
from django.utils.translation import gettext_lazy


class GroupForm(forms.Form):
    facility: forms.ModelChoiceField = forms.ModelChoiceField(label=gettext_lazy("where"), queryset=None)
    name = forms.CharField(label=gettext_lazy("name"), max_length=40, help_text=gettext_lazy("e.g. “托小班”"))
    min_months = forms.IntegerField(label=gettext_lazy("from age (months)"), min_value=0, max_value=36)
    max_months = forms.IntegerField(label=gettext_lazy("to age (months)"), min_value=1, max_value=36)
    places = forms.IntegerField(label=gettext_lazy("places"), min_value=1, max_value=1000)
    monthly_fee = forms.DecimalField(
        label=gettext_lazy("monthly fee (yuan)"), max_digits=9, decimal_places=2, min_value=0, initial=0
    )
    open = forms.BooleanField(label=gettext_lazy("taking applications"), required=False, initial=True)

    def __init__(self, *args: object, facilities: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["facility"].queryset = facilities  # type: ignore[attr-defined]
