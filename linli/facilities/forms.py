from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import User
from linli.core.scenarios import Scenario
from linli.core.uploads import MB, MaxFileSizeValidator
from linli.people.models import Resident
from linli.places.models import Building, Community

from .models import Facility, FacilityCategory, Service


class FacilityForm(forms.ModelForm):
    lat = forms.FloatField(label=_("latitude"), required=False)
    lng = forms.FloatField(label=_("longitude"), required=False)

    class Meta:
        model = Facility
        fields = [
            "code", "name", "category", "scenario", "nature", "tier", "operator", "building", "floor", "lat", "lng",
            "floor_area_m2", "opening_hours", "capacity", "phone", "description", "shared", "active",
            "opened_on",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "opened_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.filter(community=community)  # type: ignore[attr-defined]
        offered = Q(active=True) | Q(pk=self.instance.category_id) if self.instance.pk else Q(active=True)
        self.fields["category"].queryset = FacilityCategory.objects.filter(offered)  # type: ignore[attr-defined]
        self.fields["scenario"].required = False
        self.fields["shared_with"] = forms.ModelMultipleChoiceField(
            label=_("shared with"),
            queryset=Community.objects.filter(street=community.street).exclude(pk=community.pk),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            initial=list(self.instance.shared_with.all()) if self.instance.pk else [],
        )

    def _post_clean(self) -> None:  # the service validates; the form only parses
        pass

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["shared_with"] = [c.code for c in data.pop("shared_with", [])]
        return data


class YuanField(forms.DecimalField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_digits=9, decimal_places=2, **kwargs)


class ServiceForm(forms.ModelForm):
    price = YuanField(label=_("price (yuan)"), initial=0)

    class Meta:
        model = Service
        fields = [
            "kind",
            "name",
            "provider",
            "price_unit",
            "description",
            "bookable",
            "waitlist",
            "cancel_hours",
            "active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self) -> None:
        pass

    def service_data(self) -> dict[str, Any]:
        from .money import yuan_to_fen

        data = dict(self.cleaned_data)
        data["price_fen"] = yuan_to_fen(data.pop("price"), field="price")
        return data


WEEKDAYS = [(0, _("Mon")), (1, _("Tue")), (2, _("Wed")), (3, _("Thu")), (4, _("Fri")), (5, _("Sat")), (6, _("Sun"))]


class SlotSeriesForm(forms.Form):
    first_day = forms.DateField(label=_("from"), widget=forms.DateInput(attrs={"type": "date"}))
    weeks = forms.IntegerField(label=_("weeks"), min_value=1, max_value=26, initial=2)
    weekdays = forms.TypedMultipleChoiceField(
        label=_("weekdays"), choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    start = forms.TimeField(label=_("starts at"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("ends at"), widget=forms.TimeInput(attrs={"type": "time"}))
    capacity = forms.IntegerField(label=_("places"), min_value=1, max_value=10000)


class FacilityCategoryForm(forms.Form):
    """A facility type added to the shared catalogue (the GB 50180-2018 types are seeded)."""

    code = forms.SlugField(
        label=_("Code"), max_length=40, help_text=_("Lower-case letters, digits, dashes or underscores.")
    )
    name_zh = forms.CharField(label=_("Chinese name"), max_length=40)
    name_en = forms.CharField(label=_("English name"), max_length=80)
    default_scenario = forms.ChoiceField(label=_("default scenario"), choices=Scenario.choices)


class FacilityCategoryEditForm(forms.Form):
    name_zh = forms.CharField(label=_("Chinese name"), max_length=40)
    name_en = forms.CharField(label=_("English name"), max_length=80)
    default_scenario = forms.ChoiceField(label=_("default scenario"), choices=Scenario.choices)


class PriceRuleForm(forms.Form):
    label = forms.CharField(label=_("label"), max_length=40, help_text=_("e.g. 老人价, 80岁以上"))
    min_age = forms.IntegerField(label=_("from age"), min_value=0, max_value=130)
    price = YuanField(label=_("price (yuan)"), min_value=0)

    def service_data(self) -> dict[str, Any]:
        from .money import yuan_to_fen

        data = dict(self.cleaned_data)
        data["price_fen"] = yuan_to_fen(data.pop("price"), field="price")
        return data


class SlotCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, sent to the people booked"),
        max_length=200,
        required=False,
        help_text=_("e.g. 场地维修，改期另行通知"),
    )
    confirm_affected = forms.IntegerField(required=False, widget=forms.HiddenInput)


class OperatorsForm(forms.Form):
    operators: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Operator accounts who run this space"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They see it under “My spaces today” and manage its services and time slots, and only those."),
    )

    def __init__(self, *args: Any, operators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["operators"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = operators
        field.label_from_instance = _account_label  # type: ignore[method-assign,assignment]


def _account_label(user: User) -> str:
    return str(user.display_name or user.mobile)


class PhotoForm(forms.Form):
    image = forms.FileField(
        label=_("photo"), help_text=_("JPEG, PNG or WebP, at most 5 MB."), validators=[MaxFileSizeValidator(5 * MB)]
    )
    caption = forms.CharField(label=_("caption"), max_length=120, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("file"),
        help_text=_("The Excel template (.xlsx) or GeoJSON."),
        validators=[MaxFileSizeValidator(10 * MB)],
    )


def who_choices(members: list[Resident]) -> list[tuple[int, str]]:
    return [(r.pk, r.name) for r in members]
