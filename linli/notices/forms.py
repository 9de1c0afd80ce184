from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from linli.people.ages import AgeTier
from linli.people.models import SensitiveTag
from linli.places.models import Building, Community, Grid, Neighbourhood, Street

from .models import Notice
from .targeting import NoticeTargets

DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
FORMAT_HELP = _(
    "A blank line starts a new paragraph. Lines starting with “- ” make a list. **Words in double stars** are bold. "
    "A link: [words](https://…)."
)


class TagChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name_en if (get_language() or "").startswith("en") else obj.name_zh


class TargetingForm(forms.Form):
    """Whom a notice reaches or a survey asks: places, age groups and (for those who may) sensitive groups.
    Within one community its neighbourhoods, buildings and grids; for a street, its communities."""

    communities = forms.ModelMultipleChoiceField(
        label=_("Communities (none chosen: all of the street)"),
        queryset=Community.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    neighbourhoods = forms.ModelMultipleChoiceField(
        label=_("Neighbourhoods"),
        queryset=Neighbourhood.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    buildings = forms.ModelMultipleChoiceField(
        label=_("Buildings"), queryset=Building.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    grids = forms.ModelMultipleChoiceField(
        label=_("Grids"), queryset=Grid.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    age_tiers = forms.MultipleChoiceField(
        label=_("Age groups"), choices=AgeTier.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    tags = TagChoiceField(
        label=_("Special groups (sensitive)"),
        queryset=SensitiveTag.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        community: Community | None = None,
        street: Street | None = None,
        may_target_tags: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if community is not None:
            del self.fields["communities"]
            self._queryset("neighbourhoods", Neighbourhood.objects.filter(community=community))
            self._queryset("buildings", Building.objects.filter(community=community, residential=True))
            self._queryset("grids", Grid.objects.filter(community=community))
        else:
            for name in ("neighbourhoods", "buildings", "grids"):
                del self.fields[name]
            self._queryset("communities", Community.objects.filter(street=street))
        if not may_target_tags:
            del self.fields["tags"]

    def _queryset(self, name: str, qs: Any) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = qs

    @staticmethod
    def targets_initial(targets: NoticeTargets) -> dict[str, Any]:
        names = ("communities", "neighbourhoods", "buildings", "grids", "age_tiers", "tags")
        return {k: getattr(targets, k) for k in names}

    def targets(self) -> NoticeTargets:
        data = self.cleaned_data
        return NoticeTargets(
            communities=list(data.get("communities") or []),
            neighbourhoods=list(data.get("neighbourhoods") or []),
            buildings=list(data.get("buildings") or []),
            grids=list(data.get("grids") or []),
            age_tiers=list(data.get("age_tiers") or []),
            tags=list(data.get("tags") or []),
        )


class NoticeForm(TargetingForm):
    field_order = ["title", "body", "urgent", "pinned", "expires_at"]

    title = forms.CharField(label=_("Title"), max_length=80)
    body = forms.CharField(
        label=_("Text"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 8}), help_text=FORMAT_HELP
    )
    urgent = forms.BooleanField(label=_("Urgent: send an SMS to everyone targeted at once"), required=False)
    pinned = forms.BooleanField(label=_("Pin on top"), required=False)
    expires_at = forms.DateTimeField(label=_("Show until (optional)"), required=False, widget=DT)

    @classmethod
    def initial_of(cls, notice: Notice) -> dict[str, Any]:
        return {
            "title": notice.title,
            "body": notice.body,
            "urgent": notice.urgent,
            "pinned": notice.pinned,
            "expires_at": notice.expires_at,
            **cls.targets_initial(NoticeTargets.of(notice)),
        }

    def fields_for_service(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "body": data["body"],
            "urgent": data["urgent"],
            "pinned": data["pinned"],
            "expires_at": data["expires_at"],
            "targets": self.targets(),
        }


class ScheduleForm(forms.Form):
    publish_at = forms.DateTimeField(label=_("Publish at"), widget=DT)
