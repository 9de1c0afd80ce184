"""Forms for the partner pages. They parse and resolve (residents and accounts by mobile number); the rules of
the domain stay in the services."""

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.accounts.types import Actor
from linli.accounts.validators import mobile_validator
from linli.core.errors import DomainError
from linli.core.scenarios import Scenario
from linli.facilities.money import yuan_to_fen

from . import selectors
from .models import Contribution, Partner, PartnerKind, Project
from .services import ContributionPlan

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PartnerForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("partner", "Name"), max_length=80)
    kind = forms.ChoiceField(label=_("Kind of partnership"), choices=PartnerKind.choices, widget=forms.RadioSelect)
    entity = forms.ChoiceField(label=_("Entity"), choices=Partner.Entity.choices)
    joined_on = forms.DateField(label=_("Joined on"), widget=DATE)
    description = forms.CharField(
        label=_("Description"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    contact_name = forms.CharField(label=_("Contact"), max_length=40, required=False)
    contact_mobile = forms.CharField(
        label=_("Contact mobile"), max_length=11, required=False, validators=[mobile_validator]
    )
    resident_mobile = forms.CharField(
        label=_("Resident's mobile number (individual partner)"),
        max_length=11,
        required=False,
        validators=[mobile_validator],
        help_text=_("An individual partner may be a resident of this community: enter the resident's number."),
    )
    member_mobiles = forms.CharField(
        label=_("Accounts acting for the partner"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Mobile numbers of their accounts, one per line. They may not review the partner's fund applications."
        ),
    )

    def __init__(self, *args: Any, user: Actor, community: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.community = community

    def clean(self) -> dict[str, Any]:
        """Resolve the resident and the accounts, only when their numbers were entered or changed (an edit
        that leaves them alone keeps the links as they are)."""
        data = super().clean() or {}
        if "resident_mobile" in self.changed_data:
            data["resident"] = self._resident(data.get("resident_mobile") or "", data.get("name") or "")
        if "member_mobiles" in self.changed_data:
            data["members"] = self._members(data.get("member_mobiles") or "")
        return data

    def _resident(self, number: str, name: str) -> Any:
        if not number:
            return None
        found = selectors.residents_by_mobile(user=self.user, community=self.community, mobile=number)
        if len(found) > 1:  # a family sharing one number: the partner's name tells them apart
            found = [r for r in found if r.name == name.strip()] or found
        if not found:
            self.add_error("resident_mobile", _("No resident of this community has this number."))
        elif len(found) > 1:
            self.add_error(
                "resident_mobile",
                _("Several residents share this number: give the partner the resident's name exactly."),
            )
        else:
            return found[0]
        return None

    def _members(self, text: str) -> list[Any]:
        mobiles = [m for m in re.split(r"[\s,，;；]+", text) if m]
        for mobile in mobiles:
            try:
                mobile_validator(mobile)
            except ValidationError as exc:
                self.add_error("member_mobiles", f"{mobile}: {exc.messages[0]}")
                return []
        members = selectors.accounts_by_mobile(mobiles)
        unknown = sorted(set(mobiles) - {u.mobile for u in members})
        if unknown:
            self.add_error("member_mobiles", _("No account has these numbers: %(m)s.") % {"m": ", ".join(unknown)})
        return members

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("resident_mobile", None)
        data.pop("member_mobiles", None)
        return data

    @staticmethod
    def initial_for(partner: Partner) -> dict[str, Any]:
        return {
            "name": partner.name,
            "kind": partner.kind,
            "entity": partner.entity,
            "joined_on": partner.joined_on,
            "description": partner.description,
            "contact_name": partner.contact_name,
            "contact_mobile": partner.contact_mobile,
            "resident_mobile": partner.resident.mobile if partner.resident else "",
            "member_mobiles": "\n".join(partner.members.order_by("mobile").values_list("mobile", flat=True)),
        }


class PairingForm(forms.Form):
    partner: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Enterprise"), queryset=Partner.objects.none())
    areas = forms.CharField(label=_("Areas of help"), max_length=200, help_text=_("e.g. relief, elderly care"))
    since = forms.DateField(label=_("Since"), widget=DATE)

    def __init__(self, *args: Any, partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners  # type: ignore[attr-defined]


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    scenario = forms.ChoiceField(label=_("Scenario"), choices=Scenario.choices)
    lead: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Lead partner"), queryset=Partner.objects.none())
    co_partners: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Other partners"),
        queryset=Partner.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (Project.Status.PLANNED, Project.Status.PLANNED.label),
            (Project.Status.RUNNING, Project.Status.RUNNING.label),
        ],
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on (planned)"), widget=DATE, required=False)
    beneficiaries = forms.IntegerField(label=_("People served"), min_value=0)

    def __init__(self, *args: Any, partners: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = partners  # type: ignore[attr-defined]
        self.fields["co_partners"].queryset = partners  # type: ignore[attr-defined]
        if editing:
            del self.fields["lead"]
        else:
            del self.fields["beneficiaries"]  # counted once the project runs


class _AmountForm(forms.Form):
    """What was put in and how much: a value in yuan (read as integer fen) and/or a quantity."""

    description = forms.CharField(label=_("What"), max_length=200)
    value_yuan = forms.DecimalField(
        label=_("Value (yuan)"), min_value=Decimal("0"), max_digits=14, decimal_places=2, required=False
    )
    quantity = forms.IntegerField(label=_("Quantity (hours, items, m²…)"), min_value=0, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            data["value_fen"] = yuan_to_fen(data.get("value_yuan"), field="value_yuan")
        except DomainError as exc:
            self.add_error("value_yuan", str(exc.message))
        return data


class ContributionForm(_AmountForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *Contribution.Kind.choices])
    partner: forms.ModelChoiceField = forms.ModelChoiceField(
        label=pgettext_lazy("contributed by", "By"),
        queryset=Partner.objects.none(),
        required=False,
        empty_label=_("The community"),
    )
    delivered_on = forms.DateField(
        label=_("Delivered on"), required=False, widget=DATE, help_text=_("Leave empty for a pledge not yet delivered.")
    )
    field_order = ["kind", "description", "partner", "value_yuan", "quantity", "delivered_on"]

    def __init__(self, *args: Any, partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners  # type: ignore[attr-defined]

    def plan(self) -> ContributionPlan:
        data = self.cleaned_data
        return ContributionPlan(
            kind=data["kind"],
            description=data["description"],
            partner=data.get("partner"),
            value_fen=data.get("value_fen") or 0,
            quantity=data.get("quantity") or 0,
            delivered_on=data.get("delivered_on"),
        )


class CorrectForm(_AmountForm):
    reason = forms.CharField(label=_("Why corrected"), max_length=200)


class DeliverForm(forms.Form):
    on = forms.DateField(label=_("Delivered on"), widget=DATE)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why withdrawn"), max_length=200)


class CloseForm(forms.Form):
    outcomes = forms.CharField(label=_("Outcomes"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    beneficiaries = forms.IntegerField(label=_("People served"), min_value=0)
    ends_on = forms.DateField(label=_("Ended on"), widget=DATE)
