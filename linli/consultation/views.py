"""Pages: parse, check the rule, call one service, render. Refusals come back as a message on the same page."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from linli.core.buttons import press
from linli.core.errors import DomainError, NotAllowed
from linli.core.evidence import evidence_for
from linli.core.exports import csv_writer
from linli.core.filters import cleaned_filters
from linli.core.parsing import parse_id
from linli.places.selectors import community_get

from . import rules, selectors, services
from .forms import (
    AnswerForm,
    DecisionForm,
    LiftForm,
    MatterFilterForm,
    MatterForm,
    MeetingForm,
    MinutesForm,
    RatingForm,
    SettingsForm,
    TaskForm,
    TaskUpdateForm,
    VoteForm,
)
from .models import Matter, MatterKind, Meeting, Vote, VoteOption


def _staff_context(request: HttpRequest, community: Any) -> dict[str, Any]:
    return {
        "community": community,
        "can_manage": rules.can_manage_consultation(request.user, community),
        "can_staff_view": rules.can_view_staff_pages(request.user, community),
        "resident": rules.resident_in(request.user, community),
    }


# --- matters -------------------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    filters = cleaned_filters(MatterFilterForm(request.GET or None))
    q, status, kind = filters.get("q", ""), filters.get("status", ""), filters.get("kind", "")
    matters = selectors.matters_for(user=request.user, community=community, q=q, status=status, kind=kind)
    now = timezone.now()
    return render(
        request,
        "consultation/home.html",
        {
            **_staff_context(request, community),
            "page": Paginator(matters, 20).get_page(request.GET.get("page")),
            "q": q,
            "status": status,
            "kind": kind,
            "statuses": Matter.Status.choices,
            "kinds": MatterKind.choices,
            "meetings": selectors.meetings_for(user=request.user, community=community, upcoming=True)[:3],
            "votes": list(selectors.votes_for(user=request.user, community=community, running_at=now)[:5]),
            "stats": selectors.statistics(user=request.user, community=community),
            "can_raise": rules.can_raise_matter(request.user, community),
            "can_lift": rules.can_lift_report(request.user, community),
            "can_export": rules.can_export(request.user, community),
            "can_configure": rules.can_configure_consultation(request.user, community),
        },
    )


@login_required
def matter_new(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not rules.can_raise_matter(request.user, community):
        raise NotAllowed(_("Only residents and staff of this community may raise a matter."))
    form = MatterForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            matter = services.matter_raise(actor=request.user, community=community, **form.cleaned_data)
        except DomainError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("Your matter is raised. Neighbours can now support it."))
            return redirect("consultation:matter_detail", code=code, pk=matter.pk)
    return render(
        request, "consultation/form.html", {"community": community, "form": form, "title": _("Raise a matter")}
    )


@login_required
def matter_lift(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not rules.can_lift_report(request.user, community):
        raise NotAllowed(_("Only community staff may lift a report into a matter."))
    form = LiftForm(request.POST or None, community=community, initial={"report_ref": request.GET.get("report", "")})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("neighbourhood")
        try:
            matter = services.matter_lift_from_report(actor=request.user, community=community, **data)
        except DomainError as exc:
            exc.show_on(form)
        else:
            return redirect("consultation:matter_detail", code=code, pk=matter.pk)
    return render(
        request,
        "consultation/form.html",
        {"community": community, "form": form, "title": _("Lift a report into a matter")},
    )


@login_required
def matter_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    matter = selectors.matter_get(user=request.user, community=community, pk=pk)
    chain = selectors.matter_chain(matter=matter)
    return render(
        request,
        "consultation/matter_detail.html",
        {
            **_staff_context(request, community),
            "matter": matter,
            "chain": chain,
            "evidence": evidence_for(request.user, "consultation.matter", matter),
            "state": selectors.resident_state(user=request.user, matter=matter),
            "config": services.settings_for(community),
            "rating_form": RatingForm(),
            "answer_form": AnswerForm(),
            "decision_form": DecisionForm(),
            "task_form": TaskForm(),
            "update_form": TaskUpdateForm(),
            "today": timezone.localdate(),
            "user_id": request.user.pk,
        },
    )


def _matter_posted(request: HttpRequest, code: str, pk: int) -> tuple[Any, Matter]:
    community = community_get(code=code, user=request.user)
    return community, selectors.matter_get(user=request.user, community=community, pk=pk)


def _matter_url(code: str, pk: int) -> str:
    return reverse("consultation:matter_detail", kwargs={"code": code, "pk": pk})


@login_required
@require_POST
def matter_support(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    _community, matter = _matter_posted(request, code, pk)
    return press(
        request,
        lambda _data: services.matter_support(actor=request.user, matter=matter),
        done=_("Thank you for your support."),
        back=_matter_url(code, pk),
    )


@login_required
@require_POST
def matter_support_withdraw(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    _community, matter = _matter_posted(request, code, pk)
    return press(
        request,
        lambda _data: services.matter_support_withdraw(actor=request.user, matter=matter),
        done=_("Support withdrawn."),
        back=_matter_url(code, pk),
    )


@login_required
@require_POST
def matter_follow(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    _community, matter = _matter_posted(request, code, pk)
    return press(
        request,
        lambda _data: services.matter_follow(actor=request.user, matter=matter, on=True),
        done=_("You follow this matter."),
        back=_matter_url(code, pk),
    )


@login_required
@require_POST
def matter_unfollow(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    _community, matter = _matter_posted(request, code, pk)
    return press(
        request,
        lambda _data: services.matter_follow(actor=request.user, matter=matter, on=False),
        done=_("You no longer follow this matter."),
        back=_matter_url(code, pk),
    )


@login_required
@require_POST
def matter_put_on_agenda(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    _community, matter = _matter_posted(request, code, pk)
    return press(
        request,
        lambda _data: services.matter_put_on_agenda(actor=request.user, matter=matter),
        done=_("Put on the agenda."),
        back=_matter_url(code, pk),
    )


@login_required
@require_POST
def matter_rate(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    _community, matter = _matter_posted(request, code, pk)
    return press(
        request,
        lambda data: services.matter_rate(actor=request.user, matter=matter, **data),
        done=_("Thank you for your rating."),
        back=_matter_url(code, pk),
        form=RatingForm(request.POST),
    )


@login_required
@require_POST
def matter_answer(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    _community, matter = _matter_posted(request, code, pk)
    return press(
        request,
        lambda data: services.matter_answer(actor=request.user, matter=matter, **data),
        done=_("The answer is sent to everyone following the matter."),
        back=_matter_url(code, pk),
        form=AnswerForm(request.POST),
    )


@login_required
@require_POST
def matter_decide(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community, matter = _matter_posted(request, code, pk)
    meeting = None
    if request.POST.get("meeting"):
        meeting = selectors.meeting_get(user=request.user, community=community, pk=parse_id(request.POST["meeting"]))
    return press(
        request,
        lambda data: services.decision_record(actor=request.user, matter=matter, meeting=meeting, **data),
        done=_("Decision recorded."),
        back=_matter_url(code, pk),
        form=DecisionForm(request.POST),
    )


@login_required
@require_POST
def matter_task_create(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community, matter = _matter_posted(request, code, pk)
    decision = selectors.decision_get(
        user=request.user, community=community, pk=parse_id(request.POST.get("decision", 0))
    )
    if decision.matter_id != matter.pk:
        raise NotAllowed(_("This decision belongs to another matter."))
    return press(
        request,
        lambda data: services.task_create(actor=request.user, decision=decision, **data),
        done=_("Task assigned."),
        back=_matter_url(code, pk),
        form=TaskForm(request.POST),
    )


@login_required
@require_POST
def matter_task_update(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community, matter = _matter_posted(request, code, pk)
    task = selectors.task_get(user=request.user, community=community, pk=parse_id(request.POST.get("task", 0)))
    if task.decision.matter_id != matter.pk:
        raise NotAllowed(_("This task belongs to another matter."))
    return press(
        request,
        lambda data: services.task_post_update(actor=request.user, task=task, **data),
        done=_("Progress posted."),
        back=_matter_url(code, pk),
        form=TaskUpdateForm(request.POST),
    )


# --- meetings ------------------------------------------------------------------------------------------


@login_required
def meeting_list(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    return render(
        request,
        "consultation/meeting_list.html",
        {
            **_staff_context(request, community),
            "upcoming": selectors.meetings_for(user=request.user, community=community, upcoming=True),
            "past": selectors.meetings_for(user=request.user, community=community, upcoming=False)[:50],
        },
    )


@login_required
def meeting_new(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not rules.can_manage_consultation(request.user, community):
        raise NotAllowed(_("Only community staff may call a meeting."))
    open_matters = selectors.open_matters(user=request.user, community=community)
    form = MeetingForm(
        request.POST or None,
        matters=open_matters,
        initial={"matters": [m for m in open_matters if m.status == Matter.Status.AGENDA]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, community=community, **form.cleaned_data)
        except DomainError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("Meeting called. Followers of its matters are told."))
            return redirect("consultation:meeting_detail", code=code, pk=meeting.pk)
    return render(
        request,
        "consultation/form.html",
        {"community": community, "form": form, "title": _("Call a round-table meeting")},
    )


@login_required
def meeting_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    meeting = selectors.meeting_get(user=request.user, community=community, pk=pk)
    ctx = _staff_context(request, community)
    registrations = (
        list(selectors.registrations_for(user=request.user, meeting=meeting)) if ctx["can_staff_view"] else []
    )
    agenda = selectors.agenda_of(meeting=meeting)
    return render(
        request,
        "consultation/meeting_detail.html",
        {
            **ctx,
            "meeting": meeting,
            "agenda": agenda,
            "mine": selectors.my_registration(user=request.user, meeting=meeting),
            "registrations": registrations,
            "open_matters": selectors.open_matters(user=request.user, community=community, not_on=meeting),
            "minutes_form": MinutesForm(initial={"minutes": meeting.minutes}),
            "decision_form": DecisionForm(),
            "can_register": meeting.can_take_registrations(timezone.now()),
            "can_hold": meeting.can_be_held(timezone.now()),
        },
    )


def _meeting_posted(request: HttpRequest, code: str, pk: int) -> tuple[Any, Meeting]:
    community = community_get(code=code, user=request.user)
    return community, selectors.meeting_get(user=request.user, community=community, pk=pk)


def _meeting_url(code: str, pk: int) -> str:
    return reverse("consultation:meeting_detail", kwargs={"code": code, "pk": pk})


@login_required
@require_POST
def meeting_register(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    _community, meeting = _meeting_posted(request, code, pk)
    return press(
        request,
        lambda _data: services.meeting_register(actor=request.user, meeting=meeting),
        done=_("You are registered. See you at the table."),
        back=_meeting_url(code, pk),
    )


@login_required
@require_POST
def meeting_unregister(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    _community, meeting = _meeting_posted(request, code, pk)
    return press(
        request,
        lambda _data: services.meeting_unregister(actor=request.user, meeting=meeting),
        done=_("Registration cancelled."),
        back=_meeting_url(code, pk),
    )


@login_required
@require_POST
def meeting_add_matter(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community, meeting = _meeting_posted(request, code, pk)
    matter = selectors.matter_get(user=request.user, community=community, pk=parse_id(request.POST.get("matter", 0)))
    return press(
        request,
        lambda _data: services.meeting_add_matter(actor=request.user, meeting=meeting, matter=matter),
        done=_("Added to the agenda."),
        back=_meeting_url(code, pk),
    )


@login_required
@require_POST
def meeting_hold(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    _community, meeting = _meeting_posted(request, code, pk)
    ids = [int(i) for i in request.POST.getlist("attended") if i.isdigit()]
    ids += [int(i) for i in request.POST.get("walk_ins", "").replace("，", ",").split(",") if i.strip().isdigit()]
    return press(
        request,
        lambda _data: services.meeting_hold(actor=request.user, meeting=meeting, attendee_ids=ids),
        done=_("The meeting is recorded as held."),
        back=_meeting_url(code, pk),
    )


@login_required
@require_POST
def meeting_record_minutes(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    _community, meeting = _meeting_posted(request, code, pk)
    return press(
        request,
        lambda data: services.meeting_record_minutes(actor=request.user, meeting=meeting, **data),
        done=_("Minutes saved."),
        back=_meeting_url(code, pk),
        form=MinutesForm(request.POST),
    )


@login_required
@require_POST
def meeting_cancel(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    _community, meeting = _meeting_posted(request, code, pk)
    return press(
        request,
        lambda _data: services.meeting_cancel(
            actor=request.user, meeting=meeting, reason=request.POST.get("reason", "")
        ),
        done=_("Meeting cancelled."),
        back=_meeting_url(code, pk),
    )


# --- tasks, votes, settings, export --------------------------------------------------------------------


@login_required
def task_board(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    overdue = request.GET.get("overdue") == "1"
    tasks = (
        selectors.tasks_for(user=request.user, community=community, overdue_only=overdue, open_only=True)
        if request.GET.get("all") != "1"
        else selectors.tasks_for(user=request.user, community=community)
    )
    return render(
        request,
        "consultation/task_board.html",
        {**_staff_context(request, community), "tasks": tasks[:300], "overdue": overdue, "today": timezone.localdate()},
    )


@login_required
def vote_list(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    now = timezone.now()
    votes = list(selectors.votes_for(user=request.user, community=community)[:100])
    return render(
        request,
        "consultation/vote_list.html",
        {**_staff_context(request, community), "votes": [(v, v.phase(now)) for v in votes]},
    )


@login_required
def vote_new(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not rules.can_manage_consultation(request.user, community):
        raise NotAllowed(_("Only community staff may open a vote."))
    matter = None
    if request.GET.get("matter") or request.POST.get("matter"):
        matter = selectors.matter_get(
            user=request.user, community=community, pk=parse_id(request.GET.get("matter") or request.POST["matter"])
        )
    form = VoteForm(request.POST or None, community=community, initial={"question": matter.title if matter else ""})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["options"] = data["options"].splitlines()
        try:
            vote = services.vote_create(actor=request.user, community=community, matter=matter, **data)
        except DomainError as exc:
            exc.show_on(form)
        else:
            return redirect("consultation:vote_detail", code=code, pk=vote.pk)
    return render(
        request,
        "consultation/form.html",
        {"community": community, "form": form, "matter": matter, "title": _("Open a vote or poll")},
    )


@login_required
@require_GET
def vote_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The vote: its question, phase and results; the ballot and the staff's close button post to their own views."""
    community = community_get(code=code, user=request.user)
    vote = selectors.vote_get(user=request.user, community=community, pk=pk)
    now = timezone.now()
    user = request.user
    visible = vote.results_visible(now)
    return render(
        request,
        "consultation/vote_detail.html",
        {
            **_staff_context(request, community),
            "vote": vote,
            "phase": vote.phase(now),
            "results": selectors.vote_results(user=user, vote=vote, now=now) if visible else None,
            "has_voted": selectors.has_voted(user=user, vote=vote),
            "my_ballot": selectors.my_open_ballot(user=user, vote=vote),
            "eligible": rules.can_vote(user, vote),
        },
    )


def _vote_posted(request: HttpRequest, code: str, pk: int) -> Vote:
    community = community_get(code=code, user=request.user)
    return selectors.vote_get(user=request.user, community=community, pk=pk)


def _vote_url(code: str, pk: int) -> str:
    return reverse("consultation:vote_detail", kwargs={"code": code, "pk": pk})


def _chosen_option(vote: Vote, posted: str | None) -> VoteOption:
    option = next((o for o in vote.options.all() if str(o.pk) == posted), None)
    if option is None:
        raise DomainError(_("Choose one of this vote's options."), field="option")
    return option


@login_required
@require_POST
def vote_cast(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    vote = _vote_posted(request, code, pk)
    return press(
        request,
        lambda _data: services.ballot_cast(
            actor=request.user, vote=vote, option=_chosen_option(vote, request.POST.get("option"))
        ),
        done=_("Your vote is counted."),
        back=_vote_url(code, pk),
    )


@login_required
@require_POST
def vote_close(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    vote = _vote_posted(request, code, pk)
    return press(
        request,
        lambda _data: services.vote_close(actor=request.user, vote=vote),
        done=_("The vote is closed."),
        back=_vote_url(code, pk),
    )


@login_required
def settings_edit(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not rules.can_configure_consultation(request.user, community):
        raise NotAllowed(_("Only the community admin may change these settings."))
    form = SettingsForm(request.POST or None, instance=services.settings_for(community))
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_update(actor=request.user, community=community, **form.cleaned_data)
        except DomainError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("consultation:home", code=code)
    return render(
        request, "consultation/form.html", {"community": community, "form": form, "title": _("Consultation settings")}
    )


@login_required
def export_csv(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    rows = selectors.export_rows(user=request.user, community=community)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="matters-{community.code}.csv"'
    response.write("\ufeff")
    csv_writer(response).writerows(rows)
    return response
