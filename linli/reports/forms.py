from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.accounts.models import User
from linli.accounts.validators import mobile_validator
from linli.places.models import Building, Community, Grid
from linli.places.selectors import building_choices

from .models import DESCRIPTION_MAX, Category, CategoryAttribute


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


def _account_label(user: User) -> str:
    return str(user.display_name or user.mobile)


class CategoryForm(forms.Form):
    """A report category as community admins set it up; the time limits in hours or days."""

    UNITS = [("hours", _("hours")), ("days", _("days"))]

    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("Letters, digits, dots or dashes; city systems use it (Open311). It cannot change later."),
    )
    name = forms.CharField(label=pgettext_lazy("report category", "Name"), max_length=60)
    group = forms.CharField(label=pgettext_lazy("report category", "Group"), max_length=60, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Category.Kind.choices)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    keywords = forms.CharField(label=_("Keywords"), max_length=200, required=False, help_text=_("Comma separated."))
    unit = forms.ChoiceField(label=_("Time limits in"), choices=UNITS, initial="hours")
    accept_within = forms.IntegerField(label=_("Accept within"), min_value=1, max_value=8784, initial=4)
    start_within = forms.IntegerField(label=_("Start work within"), min_value=1, max_value=8784, initial=24)
    resolve_within = forms.IntegerField(
        label=_("Resolve within"),
        min_value=1,
        max_value=8784,
        initial=72,
        help_text=_("A changed time limit applies to new reports; reports already made keep their deadlines."),
    )
    reopen_within_days = forms.IntegerField(
        label=_("Reporter may reopen within (days)"), min_value=0, max_value=90, initial=7
    )
    first_level = forms.TypedChoiceField(
        label=_("Goes first to"),
        coerce=int,
        choices=[(1, _("Grid steward")), (2, _("Community"))],
        help_text=_("The grid steward, or straight to the community's caseworkers."),
    )
    first_grid = forms.ModelChoiceField(
        label=_("Always to the steward of grid"),
        queryset=Grid.objects.none(),
        required=False,
        empty_label=_("The grid where it happens"),
    )
    responsible = forms.ModelChoiceField(
        label=_("Responsible party"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("The grid steward"),
        help_text=_("Who fixes what the grid steward accepts; the steward when empty."),
    )
    agency_responsible = forms.CharField(label=_("Responsible agency"), max_length=80, required=False)
    service_notice = forms.CharField(label=_("Service notice"), max_length=300, required=False)
    open311_listed = forms.BooleanField(
        label=_("Offered to city systems (Open311)"),
        required=False,
        initial=True,
        help_text=_("Listed in the Open311 services and accepted from city systems."),
    )
    order = forms.IntegerField(label=_("Position in the list"), min_value=0, max_value=999, initial=0)

    def __init__(self, *args: Any, grids: Any, assignees: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        grid_field = self.fields["first_grid"]
        responsible_field = self.fields["responsible"]
        assert isinstance(grid_field, forms.ModelChoiceField)
        assert isinstance(responsible_field, forms.ModelChoiceField)
        grid_field.queryset = grids
        responsible_field.queryset = assignees
        responsible_field.label_from_instance = _account_label  # type: ignore[method-assign,assignment]
        if editing:
            del self.fields["code"]

    @staticmethod
    def initial_of(category: Category) -> dict[str, Any]:
        hours = (category.accept_within_hours, category.start_within_hours, category.resolve_within_hours)
        days = all(h % 24 == 0 for h in hours)
        accept, start, resolve = (h // 24 for h in hours) if days else hours
        return {
            "name": category.name,
            "group": category.group,
            "kind": category.kind,
            "description": category.description,
            "keywords": category.keywords,
            "unit": "days" if days else "hours",
            "accept_within": accept,
            "start_within": start,
            "resolve_within": resolve,
            "reopen_within_days": category.reopen_within_days,
            "first_level": category.first_level,
            "first_grid": category.first_grid_id,
            "responsible": category.responsible_id,
            "agency_responsible": category.agency_responsible,
            "service_notice": category.service_notice,
            "open311_listed": category.open311_listed,
            "order": category.order,
        }

    def service_data(self) -> dict[str, Any]:
        """The cleaned values as the service takes them (limits in hours)."""
        data = dict(self.cleaned_data)
        factor = 24 if data.pop("unit") == "days" else 1
        for name in ("accept_within", "start_within", "resolve_within"):
            data[f"{name}_hours"] = data.pop(name) * factor
        return data


class AttributeForm(forms.Form):
    """A question of a category; list choices one a line, as “key=name” or just the name."""

    code = forms.CharField(
        label=_("Code"), max_length=40, help_text=_("Letters, digits, dots or dashes. It cannot change later.")
    )
    description = forms.CharField(label=_("Question"), max_length=200)
    datatype = forms.ChoiceField(label=_("Answer type"), choices=CategoryAttribute.Datatype.choices)
    required = forms.BooleanField(label=_("Answer required"), required=False)
    datatype_description = forms.CharField(label=_("Hint"), max_length=200, required=False)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For a list: one choice a line, as key=name or just the name."),
    )
    order = forms.IntegerField(
        label=_("Position"), min_value=1, max_value=999, required=False, help_text=_("Empty: at the end.")
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]

    @staticmethod
    def initial_of(attribute: CategoryAttribute) -> dict[str, Any]:
        return {
            "description": attribute.description,
            "datatype": attribute.datatype,
            "required": attribute.required,
            "datatype_description": attribute.datatype_description,
            "choices": "\n".join(f"{v.get('key')}={v.get('name')}" for v in attribute.values or []),
            "order": attribute.order,
        }

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        lines = [line.strip() for line in data.pop("choices", "").splitlines() if line.strip()]
        values = []
        for index, line in enumerate(lines, start=1):
            key, sep, name = line.partition("=")
            values.append({"key": key.strip(), "name": name.strip()} if sep else {"key": str(index), "name": line})
        data["values"] = values
        return data
