from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.people.models import SensitiveTag
from linli.places.models import Grid

from .models import CADENCE_MAX_DAYS, Condition, Need, VisitKind

SEEN_CHOICES = [("1", _("Seen or reached")), ("0", _("Not seen, nobody answered"))]


class _VisitFields(forms.Form):
    """What one visit records, for a single visit and for a round alike."""

    kind = forms.ChoiceField(
        label=_("How"), choices=VisitKind.choices, initial=VisitKind.HOME, widget=forms.RadioSelect
    )
    seen = forms.TypedChoiceField(
        label=_("Seen the resident?"),
        choices=SEEN_CHOICES,
        coerce=lambda v: v == "1",
        initial="1",
        widget=forms.RadioSelect,
    )
    condition = forms.ChoiceField(
        label=_("How is the resident?"), choices=Condition.choices, required=False, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=pgettext_lazy("care visit", "Note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    visited_at = forms.DateTimeField(
        label=_("When"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class VisitForm(_VisitFields):
    needs = forms.MultipleChoiceField(
        label=_("Needs found"), choices=Need.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    field_order = ["kind", "seen", "condition", "needs", "note", "visited_at"]


class RoundForm(_VisitFields):
    """A steward's round: several residents seen at one go, most of them well (a need is recorded one by one)."""

    residents = forms.TypedMultipleChoiceField(
        label=_("Whom you visited"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    field_order = ["residents", "kind", "seen", "condition", "note", "visited_at"]

    def __init__(self, *args: Any, entries: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["residents"].choices = [(e.resident.pk, e.resident.name) for e in entries]  # type: ignore[attr-defined]


class ReportForm(forms.Form):
    category: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Category"), queryset=None, empty_label=None)
    description = forms.CharField(
        label=_("What needs doing"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Others may see a report: describe the problem, not the resident's situation."),
    )

    def __init__(self, *args: Any, categories: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories  # type: ignore[attr-defined]  # a ModelChoiceField


class ReferralForm(forms.Form):
    text = forms.CharField(
        label=_("What the resident needs"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CadenceForm(forms.Form):
    tag = forms.ModelChoiceField(label=_("Tag"), queryset=SensitiveTag.objects.all(), empty_label=None)
    every_days = forms.IntegerField(label=_("Visit every (days)"), min_value=1, max_value=CADENCE_MAX_DAYS)


class FilterForm(forms.Form):
    grid = forms.ModelChoiceField(label=_("Grid"), queryset=Grid.objects.none(), required=False)
    tag = forms.ModelChoiceField(label=_("Tag"), queryset=SensitiveTag.objects.none(), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args: Any, community: Any, tag_ids: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = Grid.objects.filter(community=community)  # type: ignore[attr-defined]
        self.fields["tag"].queryset = SensitiveTag.objects.filter(pk__in=tag_ids)  # type: ignore[attr-defined]
