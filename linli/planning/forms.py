from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import rules
from .models import CandidateSite


class RunForm(forms.Form):
    profile = forms.ChoiceField(
        label=_("Walking as"),
        required=False,
        help_text=_("Older walkers avoid steps where a ramp or an elevator exists; a wheelchair cannot use steps."),
    )
    siting_category = forms.ChoiceField(label=_("Where to build next: category"), required=False)
    siting_k = forms.IntegerField(
        label=_("How many new sites"), min_value=0, max_value=rules.MAX_NEW_SITES, initial=0, required=False
    )
    as_of = forms.DateField(
        label=_("Day checked"),
        required=False,
        help_text=_("Empty: today. A past day checks the facilities in service and the residents' ages on that day."),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )

    def __init__(
        self,
        *args: Any,
        categories: list[tuple[str, str]],
        profiles: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["siting_category"].choices = [("", "—"), *categories]  # type: ignore[attr-defined]
        self.fields["profile"].choices = profiles or [("", _("Everyone"))]  # type: ignore[attr-defined]


class CandidateSiteForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("name of a thing", "Name"), max_length=80)
    kind = forms.ChoiceField(label=_("Kind"), choices=CandidateSite.Kind.choices)
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90)
    lng = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180)
    floor_area_m2 = forms.IntegerField(label=_("Floor area (m²)"), min_value=1, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class CityRunForm(forms.Form):
    profile = forms.ChoiceField(
        label=_("Walking as"),
        required=False,
        help_text=_("Older walkers avoid steps where a ramp or an elevator exists; a wheelchair cannot use steps."),
    )

    def __init__(self, *args: Any, profiles: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["profile"].choices = profiles or [("", _("Everyone"))]  # type: ignore[attr-defined]


class HubForm(forms.Form):
    hub_category = forms.ChoiceField(label=_("Composite facility"))
    hub_count = forms.IntegerField(label=_("How many new hubs"), min_value=1, max_value=rules.MAX_NEW_SITES)

    def __init__(self, *args: Any, composites: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hub_category"].choices = composites  # type: ignore[attr-defined]
