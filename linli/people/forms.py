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


class RegisterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Register file"),
        help_text=_("The Excel template (.xlsx), a street office's own 人口信息采集表, or a CSV file; at most 20 MB."),
    )
    create_buildings = forms.BooleanField(
        label=_("Create buildings the file names but the site does not have yet"), required=False
    )
