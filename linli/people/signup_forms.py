from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.places.models import Building, Community

from .models import SensitiveTag


class VerifyForm(forms.Form):
    name = forms.CharField(label=_("Name, as on your ID card"), max_length=40)
    id_number = forms.CharField(label=_("ID number"), max_length=18, min_length=15)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update({"autocomplete": "name"})
        self.fields["id_number"].widget.attrs.update({"autocomplete": "off", "autocapitalize": "characters"})


class InvitationForm(forms.Form):
    """A building, or (for staff who may see them) a sensitive tag: whose residents to invite."""

    building = forms.ModelChoiceField(
        label=_("Building"), queryset=Building.objects.none(), required=False, empty_label="—"
    )
    tag = forms.ModelChoiceField(
        label=_("Or a tag"), queryset=SensitiveTag.objects.none(), required=False, to_field_name="code", empty_label="—"
    )

    def __init__(self, *args: Any, community: Community, show_tags: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        building: Any = self.fields["building"]
        building.queryset = Building.objects.filter(community=community, residential=True).order_by("name")
        if show_tags:
            tag: Any = self.fields["tag"]
            tag.queryset = SensitiveTag.objects.all()
        else:
            del self.fields["tag"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("building")) == bool(data.get("tag")):
            raise forms.ValidationError(_("Choose a building or a tag."))
        return data
