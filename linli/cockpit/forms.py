from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EntryForm(forms.Form):
    code = forms.ChoiceField(label=_("Indicator"))
    month = forms.DateField(label=_("Month"), widget=forms.DateInput(attrs={"type": "date"}))
    value = forms.FloatField(label=_("Value"), min_value=0)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    evidence = forms.FileField(
        label=_("Evidence (files or photos)"), required=False, widget=MultipleFileInput(attrs={"multiple": True})
    )

    def __init__(self, *args: Any, indicators: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = indicators  # type: ignore[attr-defined]
