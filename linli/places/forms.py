from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.accounts.models import Role
from linli.accounts.validators import mobile_validator
from linli.core.uploads import MaxFileSizeValidator

from . import boundary, services
from .models import Community, Neighbourhood

PLACE_NAME = pgettext_lazy("name of a thing", "Name")
TIER_CHOICES = [(Community.Tier.LEADING, _("Leading (引领型)")), (Community.Tier.BASIC, _("Basic (普惠型)"))]
STAFF_ROLE_CHOICES = [
    (Role.GRID_STEWARD, _("Grid steward")),
    (Role.SOCIAL_WORKER, _("Social worker")),
    (Role.COMMUNITY_ADMIN, _("Community admin")),
    (Role.OPERATOR, _("Operator")),
]


class StreetForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=40, help_text=_("Letters and digits, e.g. ningwei. It cannot be changed later.")
    )
    name = forms.CharField(label=PLACE_NAME, max_length=60)
    district = forms.CharField(label=_("District"), max_length=60, required=False)
    city = forms.CharField(label=_("City"), max_length=60, required=False)


class StreetEditForm(StreetForm):
    code = None  # type: ignore[assignment]  # a street's code never changes


def boundary_field(required: bool) -> forms.FileField:
    return forms.FileField(
        label=_("Boundary (GeoJSON file)"),
        required=required,
        help_text=_("A Polygon or MultiPolygon in longitude, latitude (WGS84), e.g. drawn on geojson.io."),
        validators=[MaxFileSizeValidator(boundary.MAX_BYTES)],
        widget=forms.ClearableFileInput(attrs={"accept": ".geojson,.json,application/geo+json,application/json"}),
    )


class CommunityForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=40, help_text=_("Letters and digits, e.g. shibei. It cannot be changed later.")
    )
    name = forms.CharField(label=PLACE_NAME, max_length=60)
    tier = forms.ChoiceField(label=_("Future community tier"), choices=TIER_CHOICES)
    boundary = boundary_field(required=True)


class CommunityEditForm(forms.Form):
    name = forms.CharField(label=PLACE_NAME, max_length=60)
    tier = forms.ChoiceField(label=_("Future community tier"), choices=TIER_CHOICES)
    boundary = boundary_field(required=False)


class NeighbourhoodForm(forms.Form):
    name = forms.CharField(label=PLACE_NAME, max_length=60, help_text=_("e.g. 钱江苑"))


class BuildingForm(forms.Form):
    name = forms.CharField(label=PLACE_NAME, max_length=60, help_text=_("e.g. 3幢"))
    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"), queryset=Neighbourhood.objects.none(), required=False
    )
    floors = forms.IntegerField(label=_("Floors"), min_value=1, max_value=services.MAX_FLOORS, required=False)
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90, help_text=_("e.g. 30.285"))
    lng = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180, help_text=_("e.g. 120.135"))
    residential = forms.BooleanField(label=_("Residential"), required=False, initial=True)

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = Neighbourhood.objects.filter(community=community)  # type: ignore[attr-defined]


class ExcelImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("First row: 小区, 楼栋, 层数, 纬度, 经度. If any row is wrong, nothing is imported."),
        validators=[MaxFileSizeValidator(services.EXCEL_MAX_BYTES)],
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class StewardChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.masked_mobile})"


class GridForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40, help_text=_("e.g. G1. It cannot be changed later."))
    name = forms.CharField(label=PLACE_NAME, max_length=60, help_text=_("e.g. 红网格"))
    colour = forms.CharField(
        label=_("Colour"), max_length=7, initial="#d94f2b", widget=forms.TextInput(attrs={"type": "color"})
    )
    steward = StewardChoiceField(
        label=_("Grid steward"),
        queryset=Neighbourhood.objects.none(),
        required=False,
        help_text=_("Only accounts holding the grid steward role here. Add one under Staff."),
    )

    def __init__(self, *args: Any, stewards: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["steward"].queryset = stewards  # type: ignore[attr-defined]


class GridEditForm(GridForm):
    code = None  # type: ignore[assignment]  # a grid's code never changes


class StaffForm(forms.Form):
    mobile = forms.CharField(label=_("Mobile number"), max_length=11, validators=[mobile_validator])
    display_name = forms.CharField(label=_("Name"), max_length=40)
    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLE_CHOICES)


class StreetAdminForm(forms.Form):
    mobile = forms.CharField(label=_("Mobile number"), max_length=11, validators=[mobile_validator])
    display_name = forms.CharField(label=_("Name"), max_length=40)
