from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.accounts.validators import mobile_validator
from linli.places.models import Building, Community
from linli.places.selectors import building_choices

from .models import DESCRIPTION_MAX, Category


class ReportForm(forms.Form):
    category = forms.ModelChoiceField(label=_("What is it about?"), queryset=Category.objects.none(), empty_label=None)
    description = forms.CharField(
        label=_("Describe it"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What, where exactly, since when. At most 4,000 characters."),
    )
    building = forms.ModelChoiceField(label=_("Building"), queryset=Building.objects.none(), required=False)
    address = forms.CharField(label=_("Or an address or landmark"), max_length=200, required=False)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, widget=forms.HiddenInput)
    guest_mobile = forms.CharField(
        label=_("Your mobile number"),
        max_length=11,
        required=False,
        validators=[mobile_validator],
        help_text=_("We send you an SMS when something is done."),
    )

    on_behalf_of = forms.TypedChoiceField(
        label=_("For whom?"), coerce=int, empty_value=None, required=False, choices=()
    )

    def __init__(
        self, *args: Any, community: Community, guest: bool, for_whom: Sequence[Any] = (), **kwargs: Any
    ) -> None:
        """`for_whom`: the others this reporter may report for (household, elders they help); none, no field."""
        super().__init__(*args, **kwargs)
        on_behalf_of = self.fields["on_behalf_of"]
        assert isinstance(on_behalf_of, forms.ChoiceField)
        if for_whom:
            on_behalf_of.choices = [("", _("Myself")), *((r.pk, r.name) for r in for_whom)]
        else:
            del self.fields["on_behalf_of"]
        category_field = self.fields["category"]
        building_field = self.fields["building"]
        assert isinstance(category_field, forms.ModelChoiceField)
        assert isinstance(building_field, forms.ModelChoiceField)
        category_field.queryset = Category.objects.filter(community=community, active=True)
        building_field.queryset = Building.objects.filter(community=community)
        in_order = building_choices(community=community)  # 1, 2, … 10, 11: not 1, 10, 11, 2
        building_field.choices = [("", _("— choose a building —")), *((b.pk, b.name) for b in in_order)]
        if not guest:
            del self.fields["guest_mobile"]
        else:
            self.fields["guest_mobile"].required = True


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the reporter"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How well was it resolved?"),
        coerce=int,
        choices=[(5, "★★★★★"), (4, "★★★★"), (3, "★★★"), (2, "★★"), (1, "★")],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Client name"), max_length=80)
    requests_per_hour = forms.IntegerField(label=_("Requests per hour"), min_value=1, max_value=100_000, initial=120)
