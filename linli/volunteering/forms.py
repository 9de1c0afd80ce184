"""Forms for the organisers' pages. They parse and check the shape of the input; the services decide."""

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.core.scenarios import Scenario
from linli.facilities.models import Facility

from .models import ActivityType, Team

DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=60)
    description = forms.CharField(
        label=_("Description"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    scenario = forms.ChoiceField(label=_("Scenario"), choices=Scenario.choices, initial=Scenario.NEIGHBOURHOOD)
    party_vanguard = forms.BooleanField(label=_("Party-member vanguard (柿先锋): party members only"), required=False)


class ActivityForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    type: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Type of activity"), queryset=ActivityType.objects.none(), empty_label=None
    )
    team: forms.ModelChoiceField = forms.ModelChoiceField(
        label=pgettext_lazy("volunteer team", "Team"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("No team"),
    )
    facility: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Facility"), queryset=Facility.objects.none(), required=False, empty_label=_("No facility")
    )
    place = forms.CharField(
        label=_("Place"),
        max_length=100,
        required=False,
        help_text=_("Empty: the facility's name."),
    )
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DT)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DT)
    capacity = forms.IntegerField(label=_("Volunteers needed"), min_value=1, max_value=10_000, initial=10)
    description = forms.CharField(
        label=_("Description"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    party_members_only = forms.BooleanField(label=_("Party-member volunteers only"), required=False)

    def __init__(self, *args: Any, community: Any, types: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = types  # type: ignore[attr-defined]
        self.fields["team"].queryset = Team.objects.filter(community=community, active=True)  # type: ignore[attr-defined]
        self.fields["facility"].queryset = Facility.objects.filter(community=community, active=True)  # type: ignore[attr-defined]
        if not self.is_bound:
            start = timezone.localtime().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=7)
            self.initial.setdefault("starts_at", start.replace(hour=9))
            self.initial.setdefault("ends_at", start.replace(hour=11))


class ActivityTypeForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("name of a thing", "Name"), max_length=40)
    scenario = forms.ChoiceField(label=_("Scenario"), choices=Scenario.choices, initial=Scenario.NEIGHBOURHOOD)
    earning_rule = forms.ChoiceField(
        label=_("Points for its hours"), help_text=_("The community's earning rule that pays for the hours served.")
    )
    attendance_rule = forms.ChoiceField(
        label=_("Points for taking part"),
        required=False,
        help_text=_(
            "The community's earning rule that pays each resident who checks in; none: taking part earns nothing."
        ),
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, earning_rules: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["earning_rule"].choices = [(r.code, r.label) for r in earning_rules]  # type: ignore[attr-defined]
        rule_choices = [(r.code, r.label) for r in earning_rules]
        self.fields["attendance_rule"].choices = [("", _("None: no points")), *rule_choices]  # type: ignore[attr-defined]
        self.fields["earning_rule"].initial = "volunteer_hour"

    def ask_to_confirm(self, message: str) -> None:
        """Show the confirmation box: the change concerns volunteers already signed up."""
        self.fields["confirm"].widget = forms.CheckboxInput()
        self.fields["confirm"].label = _("Yes, save the change")
        self.add_error("confirm", message)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ClubForm(forms.Form):
    name = forms.CharField(label=_("Club name"), max_length=60)
    description = forms.CharField(
        label=_("Description"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    scenario = forms.ChoiceField(label=_("Scenario"), choices=Scenario.choices, initial=Scenario.HEALTH)
    schedule = forms.CharField(
        label=_("Regular schedule"), max_length=80, required=False, help_text=_("e.g. 每周二、四 19:00")
    )
    venue: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Home venue"), queryset=Facility.objects.none(), required=False, empty_label=_("No venue")
    )

    def __init__(self, *args: Any, community: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = Facility.objects.filter(community=community, active=True)  # type: ignore[attr-defined]


class SlotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        start, end = timezone.localtime(obj.starts_at), timezone.localtime(obj.ends_at)
        return f"{start:%m-%d %H:%M}–{end:%H:%M} · {obj.service.facility.name} · {obj.service.name}"


class BookVenueForm(forms.Form):
    slot = SlotChoiceField(label=_("Time slot"), queryset=None, widget=forms.RadioSelect, empty_label=None)

    def __init__(self, *args: Any, slots: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = slots  # type: ignore[attr-defined]
