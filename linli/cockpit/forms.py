from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field: each is checked as a single file would be, and the field cleans to a list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class EntryForm(forms.Form):
    code = forms.ChoiceField(label=_("Indicator"))
    month = forms.DateField(label=_("Month"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    value = forms.FloatField(label=_("Value"), min_value=0)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    evidence = MultipleFileField(label=_("Evidence (files or photos)"), required=False)

    def __init__(self, *args: Any, indicators: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = indicators  # type: ignore[attr-defined]
