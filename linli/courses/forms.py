"""Forms of the school's set-up pages (课程设置): terms, courses, weekly series of sessions, street-wide courses."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Audience, Course, Term

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class TermForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=60, help_text=_("e.g. 2027年春季学期"))
    starts_on = forms.DateField(label=_("starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("ends on"), widget=DATE)

    @classmethod
    def of(cls, term: Term | None, data: Any = None) -> "TermForm":
        initial = {"name": term.name, "starts_on": term.starts_on, "ends_on": term.ends_on} if term else None
        return cls(data, initial=initial)


class CourseForm(forms.Form):
    term = forms.ModelChoiceField(label=_("term"), queryset=Term.objects.none(), empty_label=None)
    title = forms.CharField(label=_("title"), max_length=80)
    audience = forms.ChoiceField(label=_("audience"), choices=Audience.choices)
    teacher = forms.CharField(label=_("teacher"), max_length=40, required=False)
    facility = forms.ModelChoiceField(label=_("where"), queryset=Term.objects.none(), empty_label=None)
    schedule = forms.CharField(label=_("when"), max_length=80, required=False, help_text=_("e.g. 每周三 14:00-15:30"))
    seats = forms.IntegerField(label=_("seats"), min_value=1, max_value=10000)
    min_age = forms.IntegerField(label=_("from age"), min_value=0, max_value=130, required=False)
    max_age = forms.IntegerField(label=_("to age"), min_value=0, max_value=130, required=False)
    price = forms.DecimalField(
        label=_("fee (yuan)"), min_value=Decimal(0), max_value=Decimal(100000), decimal_places=2, initial=0
    )
    description = forms.CharField(label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    open = forms.BooleanField(label=_("open for enrolment"), required=False, initial=True)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, terms: Any, facilities: Any, course: Course | None = None, **kwargs: Any) -> None:
        if course is not None:
            kwargs["initial"] = {
                "title": course.title,
                "audience": course.audience,
                "teacher": course.teacher,
                "facility": course.facility_id,
                "schedule": course.schedule,
                "seats": course.seats,
                "min_age": course.min_age,
                "max_age": course.max_age,
                "price": Decimal(course.price_fen) / 100,
                "description": course.description,
                "open": course.open,
            }
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities  # type: ignore[attr-defined]
        if course is None:
            self.fields["term"].queryset = terms  # type: ignore[attr-defined]
        else:
            del self.fields["term"]  # a course stays in its term

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("confirm", None)
        data.pop("term", None)
        data["price_fen"] = int(data.pop("price") * 100)
        return data


class SeriesForm(forms.Form):
    weekday = forms.TypedChoiceField(label=_("every"), choices=WEEKDAYS, coerce=int)
    start = forms.TimeField(label=_("starts at"), widget=TIME)
    end = forms.TimeField(label=_("ends at"), widget=TIME)
    first_day = forms.DateField(label=_("from"), widget=DATE, required=False)
    last_day = forms.DateField(label=_("until"), widget=DATE, required=False, help_text=_("By default the term's end."))
    topic = forms.CharField(label=_("topic"), max_length=80, required=False)

    @classmethod
    def starting(cls, data: Any, day: dt.date) -> "SeriesForm":
        return cls(data, initial={"first_day": day})


class ShareForm(forms.Form):
    communities = forms.ModelMultipleChoiceField(
        label=_("open to residents of"),
        queryset=Term.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, neighbours: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["communities"].queryset = neighbours  # type: ignore[attr-defined]
