"""Survey pages: staff build a survey, open and close it, read the results as charts and export them; residents
answer on a phone, for themself or someone they may act for. Every row is read through `selectors`."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from linli.consultation.models import Matter
from linli.core.buttons import button, buttons_on
from linli.core.errors import Conflict, DomainError, NotAllowed, NotFound
from linli.core.file_responses import file_response
from linli.core.parsing import parse_id
from linli.places.models import Community
from linli.places.selectors import community_get

from . import rules, selectors, services
from .export import results_workbook
from .forms import AnswerForm, AttachForm, QuestionForm, SurveyForm
from .models import Question, Survey

# --- residents ---------------------------------------------------------------------------------------------------


@login_required
def my_list(request: HttpRequest) -> HttpResponse:
    entries = selectors.open_surveys_for(user=request.user, include_answered=True)
    return render(request, "surveys/my_list.html", {"entries": entries})


@login_required
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    raw = request.GET.get("for") or request.POST.get("for")
    resident_id = parse_id(raw, field="for") if raw else None
    entry = selectors.my_survey_get(user=request.user, pk=pk, resident_id=resident_id)
    questions = list(selectors.questions_of(survey=entry.survey))
    form = AnswerForm(request.POST or None, questions=questions)
    if request.method == "POST" and not entry.answered and form.is_valid():
        try:
            services.survey_answer(actor=request.user, survey=entry.survey, resident=entry.resident, given=form.given())
        except DomainError as exc:
            if isinstance(exc, NotAllowed | NotFound):
                raise
            exc.show_on(form)
        else:
            messages.success(request, _("Thank you! Your answers are saved."))
            return redirect("surveys:my_list")
    return render(request, "surveys/answer.html", {"entry": entry, "survey": entry.survey, "form": form})


# --- staff -------------------------------------------------------------------------------------------------------


@login_required
def staff_list(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    surveys = selectors.surveys_of_community(user=request.user, community=community)
    return render(request, "surveys/staff_list.html", {"community": community, "surveys": surveys})


def _compose(request: HttpRequest, community: Community, survey: Survey | None) -> HttpResponse:
    may_tags = rules.can_target_tags(request.user, community)
    initial = SurveyForm.initial_of(survey) if survey is not None else {}
    form = SurveyForm(request.POST or None, initial=initial, community=community, may_target_tags=may_tags)
    if request.method == "POST" and form.is_valid():
        try:
            if survey is None:
                survey = services.survey_create(actor=request.user, community=community, **form.fields_for_service())
            else:
                survey = services.survey_update(actor=request.user, survey=survey, **form.fields_for_service())
        except DomainError as exc:
            if isinstance(exc, NotFound):
                raise
            exc.show_on(form)
        else:
            messages.success(request, _("Saved as a draft. Now add the questions."))
            return redirect("surveys:staff_detail", code=community.code, pk=survey.pk)
    return render(request, "surveys/compose.html", {"form": form, "community": community, "survey": survey})


@login_required
def compose(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not rules.can_write_for_community(request.user, community):
        raise NotAllowed(_("You may not write this community's surveys."))
    return _compose(request, community, None)


@login_required
def edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    survey = selectors.survey_get(user=request.user, community=community, pk=pk)
    if not survey.can_edit():
        raise Conflict(_("An open or closed survey can no longer be changed."))
    return _compose(request, community, survey)


@login_required
def staff_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    survey = selectors.survey_get(user=request.user, community=community, pk=pk)
    return render(
        request,
        "surveys/staff_detail.html",
        {
            "community": community,
            "survey": survey,
            "questions": selectors.questions_of(survey=survey),
            "question_form": QuestionForm(),
            "attach_form": AttachForm(
                initial={"matter": survey.matter_id}, matters=selectors.matters_to_attach(community=community)
            ),
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def question_add(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    survey = selectors.survey_get(user=request.user, community=community, pk=pk)
    form = QuestionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the question and choose its kind."))
    else:
        try:
            services.question_add(actor=request.user, survey=survey, **form.fields_for_service())
        except DomainError as exc:
            if isinstance(exc, NotAllowed | NotFound):
                raise
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Question added."))
    return redirect("surveys:staff_detail", code=code, pk=pk)


@login_required
def question_edit(request: HttpRequest, code: str, pk: int, qid: int) -> HttpResponse:
    """Change a question of a draft survey (before anyone can answer it)."""
    community = community_get(code=code, user=request.user)
    survey = selectors.survey_get(user=request.user, community=community, pk=pk)
    question = selectors.question_get(survey=survey, pk=qid)
    initial = {
        "text": question.text,
        "kind": question.kind,
        "required": question.required,
        "options": "\n".join(o.text for o in question.options.all()),
    }
    form = QuestionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_update(actor=request.user, survey=survey, question=question, **form.fields_for_service())
        except DomainError as exc:
            if isinstance(exc, NotAllowed | NotFound):
                raise
            exc.show_on(form)
        else:
            messages.success(request, _("Question saved."))
            return redirect("surveys:staff_detail", code=code, pk=pk)
    return render(
        request,
        "surveys/question_form.html",
        {"community": community, "survey": survey, "question": question, "form": form},
    )


def _survey_posted(request: HttpRequest, code: str, pk: int) -> Survey:
    community = community_get(code=code, user=request.user)
    return selectors.survey_get(user=request.user, community=community, pk=pk)


def _question_posted(request: HttpRequest, code: str, pk: int, qid: int) -> tuple[Survey, Question]:
    survey = _survey_posted(request, code, pk)
    return survey, selectors.question_get(survey=survey, pk=qid)


def _survey_url(code: str, pk: int, **_ids: int) -> str:
    return reverse("surveys:staff_detail", kwargs={"code": code, "pk": pk})


def _attached_matter(request: HttpRequest, survey: Survey) -> Matter | None:
    raw = request.POST.get("matter", "")
    return selectors.matter_to_attach(community=survey.community, pk=parse_id(raw, field="matter")) if raw else None


def _on_question(service: Callable[..., object], **fixed: bool) -> Callable[..., HttpResponse]:
    """A button on one question of a draft: the page shows the new order, so nothing is said."""
    return button(
        _question_posted,
        lambda request, sq, _data: service(actor=request.user, survey=sq[0], question=sq[1], **fixed),
        done=None,
        back=_survey_url,
        forbidden_page=True,
    )


question_remove = _on_question(services.question_remove)
question_up = _on_question(services.question_move, up=True)
question_down = _on_question(services.question_move, up=False)
_on_survey = buttons_on(_survey_posted, name="survey", back=_survey_url, forbidden_page=True)
survey_publish = _on_survey(services.survey_publish, gettext_lazy("The survey is open."))
survey_close = _on_survey(services.survey_close, gettext_lazy("The survey is closed."))
survey_attach = button(
    _survey_posted,
    lambda request, survey, _data: services.survey_attach(
        actor=request.user, survey=survey, matter=_attached_matter(request, survey)
    ),
    done=gettext_lazy("Saved."),
    back=_survey_url,
    forbidden_page=True,
)


def _results_context(request: HttpRequest, code: str, pk: int) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    survey = selectors.survey_get(user=request.user, community=community, pk=pk)
    if not rules.can_view_results(request.user, survey):
        raise NotAllowed(_("You may not see this survey's results."))
    return {"community": community, "survey": survey, "results": selectors.results_of(survey=survey)}


@login_required
def results(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    context = _results_context(request, code, pk)
    charts = {f"chart-{r.question.pk}": r.chart() for r in context["results"].questions if r.options}
    return render(request, "surveys/results.html", {**context, "charts": charts})


@login_required
def export(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    context = _results_context(request, code, pk)
    return file_response(results_workbook(context["results"]), filename=f"survey-{pk}.xlsx")
