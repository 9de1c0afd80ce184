"""Reading surveys, always through the acting user's rights: staff see their community's surveys and results;
residents see the open surveys that ask them or someone they may answer for. Results are counts and shares; an
anonymous survey's results carry no name."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.types import Actor
from linli.consultation.models import Matter
from linli.core.errors import NotAllowed, NotFound
from linli.people.models import Resident
from linli.people.rules import own_resident
from linli.people.selectors import acting_for
from linli.places.models import Community

from . import rules
from .models import Answer, Question, Response, Survey, SurveyRecipient
from .services import respondent_key

# --- staff -------------------------------------------------------------------------------------------------------


def surveys_of_community(*, user: Actor, community: Community) -> QuerySet[Survey]:
    if not rules.can_write_for_community(user, community):
        raise NotAllowed(_("You may not see this community's surveys."))
    return (
        Survey.objects.filter(community=community)
        .annotate(response_count=Count("responses", distinct=True), recipient_count=Count("recipients", distinct=True))
        .select_related("community", "created_by", "matter")
        .order_by("-created_at", "-pk")
    )


def survey_get(*, user: Actor, community: Community, pk: int) -> Survey:
    survey = surveys_of_community(user=user, community=community).filter(pk=pk).first()
    if survey is None:
        raise NotFound(_("No such survey."))
    return survey


def questions_of(*, survey: Survey) -> QuerySet[Question]:
    return survey.questions.prefetch_related("options")


def question_get(*, survey: Survey, pk: int) -> Question:
    question = survey.questions.filter(pk=pk).first()
    if question is None:
        raise NotFound(_("No such question in this survey."))
    return question


def matters_to_attach(*, community: Community) -> QuerySet[Matter]:
    return Matter.objects.filter(community=community).order_by("-raised_at", "-pk")


def matter_to_attach(*, community: Community, pk: int) -> Matter:
    matter = matters_to_attach(community=community).filter(pk=pk).first()
    if matter is None:
        raise NotFound(_("No such matter in this community."), field="matter")
    return matter


@dataclass
class OptionCount:
    label: str
    count: int
    share: float  # of those who answered the question, 0–100


@dataclass
class QuestionResult:
    question: Question
    answered: int
    options: list[OptionCount] = field(default_factory=list)
    average: float | None = None
    texts: list[tuple[str, str]] = field(default_factory=list)  # (text, who: "" when anonymous)

    def chart(self) -> dict[str, Any]:
        return {
            "labels": [o.label for o in self.options],
            "values": [o.count for o in self.options],
            "shares": [o.share for o in self.options],
        }


@dataclass
class Results:
    survey: Survey
    responses: int
    recipients: int
    questions: list[QuestionResult]


def _share(n: int, of: int) -> float:
    return round(100 * n / of, 1) if of else 0.0


def _who(response: Response) -> str:
    if response.resident_id is None:
        return ""
    return response.resident.name  # type: ignore[union-attr]


def _answer_counts(question: Question, field: str) -> dict[Any, int]:
    """How many answers to the question chose each option (`field` "option") or each point of a scale ("value")."""
    return dict(
        Answer.objects.filter(question=question, **{f"{field}__isnull": False})
        .values_list(field)
        .annotate(n=Count("id"))
        .values_list(field, "n")
    )


def results_of(*, survey: Survey) -> Results:
    """Counts and shares per option, 1–5 scales with their average, free texts (named only when not anonymous).
    Callers check `rules.can_view_results` (the evidence summary shows only the counts)."""
    questions = list(questions_of(survey=survey))
    out: list[QuestionResult] = []
    for q in questions:
        counts: dict[Any, int]
        answered = Answer.objects.filter(question=q).values("response").distinct().count()
        result = QuestionResult(question=q, answered=answered)
        if q.has_options:
            counts = _answer_counts(q, "option")
            result.options = [
                OptionCount(o.text, counts.get(o.pk, 0), _share(counts.get(o.pk, 0), answered)) for o in q.options.all()
            ]
        elif q.kind == Question.Kind.SCALE:
            counts = _answer_counts(q, "value")
            result.options = [
                OptionCount(str(v), counts.get(v, 0), _share(counts.get(v, 0), answered)) for v in range(1, 6)
            ]
            avg = Answer.objects.filter(question=q, value__isnull=False).aggregate(a=Avg("value"))["a"]
            result.average = round(float(avg), 1) if avg is not None else None
        else:
            rows = Answer.objects.filter(question=q).exclude(text="").select_related("response__resident")
            if survey.anonymous:
                # no order that could hint at who answered when: alphabetical
                result.texts = sorted((a.text, "") for a in rows)
            else:
                result.texts = [(a.text, _who(a.response)) for a in rows.order_by("response_id", "pk")]
        out.append(result)
    return Results(
        survey=survey,
        responses=survey.responses.count(),
        recipients=survey.recipients.count(),
        questions=out,
    )


def respondents_of(*, user: Actor, survey: Survey) -> QuerySet[Response]:
    """Who answered a named survey (an anonymous survey has no list)."""
    if not rules.can_view_results(user, survey):
        raise NotAllowed(_("You may not see this survey's results."))
    if survey.anonymous:
        return Response.objects.none()
    return survey.responses.select_related("resident__household__building", "answered_by").order_by("pk")


def surveys_attached_to(*, matter: Any) -> QuerySet[Survey]:
    return Survey.objects.filter(matter_id=matter.pk, community_id=matter.community_id).exclude(
        status=Survey.Status.DRAFT
    )


# --- residents ---------------------------------------------------------------------------------------------------


def _live() -> Q:
    now = timezone.now()
    return Q(survey__status=Survey.Status.OPEN, survey__closes_at__gt=now) & (
        Q(survey__opens_at__isnull=True) | Q(survey__opens_at__lte=now)
    )


@dataclass
class OpenSurvey:
    survey: Survey
    resident: Resident
    answered: bool
    for_me: bool


def open_surveys_for(
    *, user: Actor, include_answered: bool = False, members: list[Any] | None = None
) -> list[OpenSurvey]:
    """Open surveys that ask me, or someone I may answer for (household, elders I help), not yet answered.
    `members`: whom the user acts for (`acting_for`), if the caller has looked them up already."""
    if not user.is_authenticated:
        return []
    people = acting_for(user=user) if members is None else members
    if not people:
        return []
    by_pk = {r.pk: r for r in people}
    me = own_resident(user)
    me_pk = me.pk if me is not None else None
    rows = sorted(
        SurveyRecipient.objects.filter(_live(), resident_id__in=list(by_pk)).select_related("survey__community"),
        key=lambda r: (r.survey.closes_at, r.survey_id, r.resident_id != me_pk, r.resident_id),
    )
    out: list[OpenSurvey] = []
    seen: set[tuple[int, str]] = set()
    answered_keys = set(
        Response.objects.filter(survey__in={r.survey_id for r in rows}).values_list("survey_id", "respondent_key")
    )
    for row in rows:
        resident = by_pk[row.resident_id]
        key = respondent_key(row.survey, resident)
        if (row.survey_id, key) in seen:
            continue  # a household's survey shows once
        seen.add((row.survey_id, key))
        answered = (row.survey_id, key) in answered_keys
        if answered and not include_answered:
            continue
        out.append(OpenSurvey(row.survey, resident, answered, resident.pk == me_pk))
    return out


def my_survey_get(*, user: Actor, pk: int, resident_id: int | None = None) -> OpenSurvey:
    """An open survey asking me (or the resident I answer for)."""
    for entry in open_surveys_for(user=user, include_answered=True):
        if entry.survey.pk == pk and (entry.for_me if resident_id is None else entry.resident.pk == resident_id):
            return entry
    raise NotFound(_("No such survey."))
