from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.accounts.validators import mobile_validator

from .models import Resident, SensitiveTag


class ResidentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=40)
    mobile = forms.CharField(label=_("Mobile number"), max_length=11, required=False, validators=[mobile_validator])
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Resident.Sex.choices], required=False)
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    id_number = forms.CharField(label=_("ID number"), max_length=18, required=False)
    is_owner = forms.BooleanField(label=_("Property owner"), required=False)
    is_party_member = forms.BooleanField(label=_("Party member"), required=False)
    tags = forms.ModelMultipleChoiceField(
        label=_("Sensitive tags"),
        queryset=SensitiveTag.objects.all(),
        required=False,
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("Why do you need the full number?"), max_length=200)


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
