from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.core.validators import WebURLFormField

from .models import ConsultationSettings, Eligibility, Matter, MatterKind, Meeting, Party

DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MatterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MatterKind.choices, widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(label=_("Description"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    neighbourhood: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Neighbourhood"), queryset=None, required=False
    )

    def __init__(self, *args: object, community: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["neighbourhood"].queryset = community.neighbourhoods.all()  # type: ignore[attr-defined]


class MatterFilterForm(forms.Form):
    """The matters list's filters (GET): a status or kind the list does not know is refused, not ignored."""

    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", ""), *Matter.Status.choices], required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", ""), *MatterKind.choices], required=False)


class LiftForm(MatterForm):
    report_ref = forms.CharField(label=_("Report number"), max_length=60)


class AnswerForm(forms.Form):
    response = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}))


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How well was it settled?"),
        coerce=int,
        choices=[(5, "★★★★★"), (4, "★★★★"), (3, "★★★"), (2, "★★"), (1, "★")],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 3}))
    responsible_party = forms.ChoiceField(label=_("Responsible party"), choices=Party.choices)
    responsible_name = forms.CharField(label=_("Responsible person"), max_length=60)
    due_date = forms.DateField(label=_("Due by"), widget=DATE)


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=120)
    owner_party = forms.ChoiceField(label=_("Owner party"), choices=Party.choices)
    owner_name = forms.CharField(label=_("Owner"), max_length=60)
    due_date = forms.DateField(label=_("Due by"), widget=DATE)


class TaskUpdateForm(forms.Form):
    text = forms.CharField(label=_("Progress update"), max_length=2000)
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    mode = forms.ChoiceField(label=_("Form"), choices=Meeting.Mode.choices)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DT)
    place = forms.CharField(label=_("Place"), max_length=120, required=False)
    online_url = WebURLFormField(label=_("Online link"), required=False, assume_scheme="https")
    capacity = forms.IntegerField(label=_("Places for residents"), min_value=1, initial=30)
    parties = forms.MultipleChoiceField(
        label=_("Invited parties"),
        choices=Party.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Party.COMMUNITY, Party.PROPERTY, Party.OWNERS, Party.REPRESENTATIVES],
    )
    matters: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Agenda"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: object, matters: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["matters"].queryset = matters  # type: ignore[attr-defined]


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=pgettext_lazy("meeting record", "Minutes"), widget=forms.Textarea(attrs={"rows": 8})
    )


class VoteForm(forms.Form):
    question = forms.CharField(label=_("Question"), max_length=200)
    options = forms.CharField(
        label=_("Options"), widget=forms.Textarea(attrs={"rows": 3}), help_text=_("One option per line.")
    )
    eligibility = forms.ChoiceField(label=_("Who may vote"), choices=Eligibility.choices)
    neighbourhood: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Neighbourhood"), queryset=None, required=False
    )
    secret = forms.BooleanField(label=_("Secret ballot"), required=False)
    hide_results = forms.BooleanField(label=_("Hide results until the close"), required=False, initial=True)
    opens_at = forms.DateTimeField(label=_("Opens at"), widget=DT)
    closes_at = forms.DateTimeField(label=_("Closes at"), widget=DT)

    def __init__(self, *args: object, community: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["neighbourhood"].queryset = community.neighbourhoods.all()  # type: ignore[attr-defined]


class SettingsForm(forms.ModelForm):
    class Meta:
        model = ConsultationSettings
        fields = ["supports_per_resident", "agenda_threshold", "one_support_per_household"]
