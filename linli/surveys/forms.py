from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.consultation.models import Matter
from linli.notices.forms import DT, TargetingForm
from linli.places.models import Community

from .models import Question, Survey
from .services import Given, targets_of


class SurveyForm(TargetingForm):
    field_order = ["title", "intro", "anonymous", "per", "opens_at", "closes_at"]

    title = forms.CharField(label=_("Title"), max_length=80)
    intro = forms.CharField(
        label=_("Introduction (optional)"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    anonymous = forms.BooleanField(
        label=_("Anonymous: the results never show who answered"), required=False, initial=True
    )
    per = forms.ChoiceField(label=_("Who answers"), choices=Survey.Per.choices, initial=Survey.Per.RESIDENT)
    opens_at = forms.DateTimeField(label=_("Open from (optional)"), required=False, widget=DT)
    closes_at = forms.DateTimeField(label=_("Open until"), widget=DT)

    def __init__(self, *args: Any, community: Community, may_target_tags: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, community=community, may_target_tags=may_target_tags, **kwargs)

    @classmethod
    def initial_of(cls, survey: Survey) -> dict[str, Any]:
        return {
            "title": survey.title,
            "intro": survey.intro,
            "anonymous": survey.anonymous,
            "per": survey.per,
            "opens_at": survey.opens_at,
            "closes_at": survey.closes_at,
            **cls.targets_initial(targets_of(survey)),
        }

    def fields_for_service(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "intro": data["intro"],
            "anonymous": data["anonymous"],
            "per": data["per"],
            "opens_at": data["opens_at"],
            "closes_at": data["closes_at"],
            "targets": self.targets(),
        }


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=Question.Kind.choices)
    required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)
    options = forms.CharField(
        label=_("Options, one per line (choice questions only)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def fields_for_service(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "text": data["text"],
            "kind": data["kind"],
            "required": data["required"],
            "options": data["options"].splitlines(),
        }


class AttachForm(forms.Form):
    matter: forms.ModelChoiceField[Matter] = forms.ModelChoiceField(
        label=_("Round-table matter"), queryset=Matter.objects.none(), required=False
    )

    def __init__(self, *args: Any, matters: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["matter"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = matters


SCALE = [(str(v), str(v)) for v in range(1, 6)]


class AnswerForm(forms.Form):
    """One field per question, named q<id>: radio buttons, check boxes, 1–5, or a text box."""

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            name = f"q{q.pk}"
            label = q.text
            field: forms.Field
            if q.kind == Question.Kind.SINGLE:
                field = forms.ChoiceField(
                    label=label, choices=[(str(o.pk), o.text) for o in q.options.all()], widget=forms.RadioSelect
                )
            elif q.kind == Question.Kind.MULTIPLE:
                field = forms.MultipleChoiceField(
                    label=label,
                    choices=[(str(o.pk), o.text) for o in q.options.all()],
                    widget=forms.CheckboxSelectMultiple,
                )
            elif q.kind == Question.Kind.SCALE:
                field = forms.ChoiceField(
                    label=label,
                    choices=SCALE,
                    widget=forms.RadioSelect(attrs={"class": "scale"}),
                    help_text=_("1 = very dissatisfied, 5 = very satisfied"),
                )
            else:
                field = forms.CharField(label=label, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
            field.required = False  # the service says which required question is missing
            self.fields[name] = field

    def rows(self) -> list[tuple[Question, Any]]:
        return [(q, self[f"q{q.pk}"]) for q in self.questions]

    def given(self) -> dict[int, Given]:
        out: dict[int, Given] = {}
        for q in self.questions:
            raw = self.cleaned_data.get(f"q{q.pk}")
            if not raw:
                continue
            if q.kind == Question.Kind.SINGLE:
                out[q.pk] = Given(option_ids=[int(raw)])
            elif q.kind == Question.Kind.MULTIPLE:
                out[q.pk] = Given(option_ids=[int(v) for v in raw])
            elif q.kind == Question.Kind.SCALE:
                out[q.pk] = Given(value=int(raw))
            else:
                out[q.pk] = Given(text=raw)
        return out
