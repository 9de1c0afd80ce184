from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.places.models import Building, Community
from linli.places.selectors import building_choices

from .models import SortingCheck


class BuildingForm(forms.Form):
    building = forms.ChoiceField(label=_("Building"))

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.buildings = {str(b.pk): b for b in building_choices(community=community)}
        self.fields["building"].choices = [(pk, b.name) for pk, b in self.buildings.items()]  # type: ignore[attr-defined]

    def chosen(self) -> Building:
        return self.buildings[self.cleaned_data["building"]]


class CheckForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=SortingCheck.Result.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
