from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.accounts.validators import mobile_validator
from linli.places.models import Building, Community, Grid, Household, Neighbourhood

from .ages import AgeTier
from .models import Resident, SensitiveTag


def _household_choices(community: Community) -> list[tuple[str, str]]:
    households = Household.objects.filter(community=community).select_related("building")
    return [
        ("", "—"),
        *((str(h.pk), f"{h.building.name} {h.unit}") for h in households.order_by("building__name", "unit")),
    ]


class ResidentForm(forms.Form):
    """Register or edit a resident. The ID number is never filled in: left empty on an edit, it stays as it is."""

    name = forms.CharField(label=_("Name"), max_length=40)
    mobile = forms.CharField(label=_("Mobile number"), max_length=11, required=False, validators=[mobile_validator])
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Resident.Sex.choices], required=False)
    birth_date = forms.DateField(
        label=_("Birth date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    id_number = forms.CharField(label=_("ID number"), max_length=18, required=False)
    household = forms.ChoiceField(label=_("Household"), required=False)
    new_building = forms.ModelChoiceField(
        label=_("…or a new household in building"), queryset=Building.objects.none(), required=False, empty_label="—"
    )
    new_unit = forms.CharField(
        label=_("Unit and room of the new household"), max_length=30, required=False, help_text=_("e.g. 2单元301")
    )
    relation_to_head = forms.ChoiceField(
        label=_("Relation to the head of household"), choices=[("", "—"), *Resident.Relation.choices], required=False
    )
    residence = forms.ChoiceField(label=_("Residence status"), choices=Resident.Residence.choices)
    hukou_address = forms.CharField(label=_("Registered (hukou) address"), max_length=200, required=False)
    moved_in_on = forms.DateField(
        label=_("Moved in on"),
        required=False,
        help_text=_("Leave empty if they lived here before the register began."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    is_owner = forms.BooleanField(label=_("Property owner"), required=False)
    is_party_member = forms.BooleanField(label=_("Party member"), required=False)
    tags = forms.ModelMultipleChoiceField(
        label=_("Sensitive tags"),
        queryset=SensitiveTag.objects.all(),
        required=False,
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, community: Community, editing: bool = False, show_tags: bool = True, **kw: Any):
        super().__init__(*args, **kw)
        cast(forms.ChoiceField, self.fields["household"]).choices = _household_choices(community)
        cast(forms.ModelChoiceField, self.fields["new_building"]).queryset = Building.objects.filter(
            community=community, residential=True
        )
        if editing:
            self.fields["id_number"].help_text = _(
                "Shown only masked. Enter the full number again to change it; leave empty to keep it."
            )
            self.fields["birth_date"].required = True
        if not show_tags:
            del self.fields["tags"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_building") and not data.get("new_unit", "").strip():
            self.add_error("new_unit", _("Enter the unit and room of the new household."))
        if data.get("new_unit", "").strip() and not data.get("new_building"):
            self.add_error("new_building", _("Choose the building of the new household."))
        if data.get("new_building") and data.get("household"):
            self.add_error("household", _("Choose a household or create a new one, not both."))
        return data


def resident_initial(resident: Resident) -> dict[str, Any]:
    return {
        **{k: getattr(resident, k) for k in ("name", "mobile", "sex", "birth_date")},
        "household": str(resident.household_id or ""),
        **{
            k: getattr(resident, k)
            for k in ("relation_to_head", "residence", "hukou_address", "moved_in_on", "is_owner", "is_party_member")
        },
        "tags": [t.code for t in resident.tags.all()],
        "note": resident.note,
    }


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("Why do you need the full number?"), max_length=200)


class MoveOutForm(forms.Form):
    moved_out_on = forms.DateField(
        label=_("Moved out on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=200, help_text=_("e.g. moved to Shanghai with their daughter")
    )


class MoveBackForm(forms.Form):
    reason = forms.CharField(label=_("Reason (e.g. recorded by mistake)"), max_length=200, required=False)


class HouseholdForm(forms.Form):
    building = forms.ModelChoiceField(label=_("Building"), queryset=Building.objects.none())
    unit = forms.CharField(label=_("Unit and room"), max_length=30, help_text=_("e.g. 2单元301"))

    def __init__(self, *args: Any, community: Community, **kw: Any):
        super().__init__(*args, **kw)
        cast(forms.ModelChoiceField, self.fields["building"]).queryset = Building.objects.filter(
            community=community, residential=True
        )


class HouseholdUnitForm(forms.Form):
    unit = forms.CharField(label=_("Unit and room"), max_length=30, help_text=_("e.g. 2单元301"))


class AddMemberForm(forms.Form):
    resident = forms.IntegerField(label=_("Resident"), widget=forms.HiddenInput)
    relation_to_head = forms.ChoiceField(
        label=_("Relation to the head of household"), choices=[("", "—"), *Resident.Relation.choices], required=False
    )


ANY = _("any")
YES_NO = [("", ANY), ("1", _("yes")), ("0", _("no"))]


class ResidentFilterForm(forms.Form):
    """The resident list's filters (GET). Every field is optional; they combine."""

    q = forms.CharField(label=_("Name or last 4 digits of the mobile"), max_length=40, required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("current", _("living here")), ("moved_out", _("moved out (迁出)")), ("all", _("all"))],
        required=False,
    )
    neighbourhood = forms.ModelChoiceField(
        label=pgettext_lazy("residential compound", "Neighbourhood"),
        queryset=Neighbourhood.objects.none(),
        required=False,
        empty_label=ANY,
    )
    building = forms.ModelChoiceField(
        label=_("Building"), queryset=Building.objects.none(), required=False, empty_label=ANY
    )
    grid = forms.ModelChoiceField(label=_("Grid"), queryset=Grid.objects.none(), required=False, empty_label=ANY)
    age_tier = forms.ChoiceField(label=_("Age group"), choices=[("", _("any")), *AgeTier.choices], required=False)
    tag = forms.ModelChoiceField(
        label=_("Sensitive tag"),
        queryset=SensitiveTag.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=ANY,
    )
    party_member = forms.ChoiceField(label=_("Party member"), choices=YES_NO, required=False)
    residence = forms.ChoiceField(
        label=_("Residence status"), choices=[("", _("any")), *Resident.Residence.choices], required=False
    )

    def __init__(self, *args: Any, community: Community, show_tags: bool, **kw: Any):
        super().__init__(*args, **kw)
        cast(forms.ModelChoiceField, self.fields["neighbourhood"]).queryset = Neighbourhood.objects.filter(
            community=community
        )
        cast(forms.ModelChoiceField, self.fields["building"]).queryset = Building.objects.filter(
            community=community, residential=True
        )
        cast(forms.ModelChoiceField, self.fields["grid"]).queryset = Grid.objects.filter(community=community)
        if not show_tags:
            del self.fields["tag"]


class DeletionRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (optional)"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DataRequestDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("delete the data")), ("refuse", _("refuse"))]
    )
    answer = forms.CharField(
        label=_("Answer to the resident"),
        max_length=500,
        required=False,
        help_text=_("Required when refusing: the resident sees it."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FamilyHouseholdForm(forms.Form):
    """Ask to help someone of one's own household."""

    elder = forms.TypedChoiceField(label=_("Whom will you help?"), coerce=int, choices=())
    relation = forms.CharField(
        label=_("You are their…"), max_length=20, required=False, help_text=_("e.g. daughter, nephew")
    )

    def __init__(self, *args: Any, members: Sequence[Resident] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        elder = self.fields["elder"]
        assert isinstance(elder, forms.ChoiceField)
        elder.choices = [(m.pk, m.name) for m in members]


class FamilyFindForm(forms.Form):
    """Ask to help a relative living elsewhere in the community: all four must match the register."""

    name = forms.CharField(label=_("Their name"), max_length=40)
    building = forms.TypedChoiceField(label=_("Building"), coerce=int, choices=())
    room = forms.CharField(label=_("Unit and room"), max_length=30, help_text=_("As on the register, e.g. 1单元101"))
    mobile_last4 = forms.RegexField(
        label=_("Last 4 digits of their mobile"),
        regex=r"^\d{4}$",
        error_messages={"invalid": _("Enter 4 digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": "4"}),
    )
    relation = forms.CharField(
        label=_("You are their…"), max_length=20, required=False, help_text=_("e.g. daughter, nephew")
    )

    def __init__(self, *args: Any, buildings: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        building = self.fields["building"]
        assert isinstance(building, forms.ChoiceField)
        building.choices = list(buildings)


class FamilyCodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Code the elder received"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the 6 digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": "6"}),
    )


class RegisterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Register file"),
        help_text=_("The Excel template (.xlsx), a street office's own 人口信息采集表, or a CSV file; at most 20 MB."),
    )
    create_buildings = forms.BooleanField(
        label=_("Create buildings the file names but the site does not have yet"), required=False
    )
