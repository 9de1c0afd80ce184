"""Pages: parse, check the rule, call one service, render. Refusals come back as a message on the same page."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from linli.core.buttons import button, buttons_on, submit
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
from .models import Decision, Matter, MatterKind, Meeting, Task, Vote, VoteOption

T = TypeVar("T")


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
    return submit(
        request,
        form,
        lambda data: services.matter_raise(actor=request.user, community=community, **data),
        done=_("Your matter is raised. Neighbours can now support it."),
        then=lambda matter: _matter_url(code, matter.pk),
    ) or render(request, "consultation/form.html", {"community": community, "form": form, "title": _("Raise a matter")})


@login_required
def matter_lift(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not rules.can_lift_report(request.user, community):
        raise NotAllowed(_("Only community staff may lift a report into a matter."))
    form = LiftForm(request.POST or None, community=community, initial={"report_ref": request.GET.get("report", "")})
    return submit(
        request,
        form,
        lambda data: services.matter_lift_from_report(
            actor=request.user, community=community, **{k: v for k, v in data.items() if k != "neighbourhood"}
        ),
        done=None,
        then=lambda matter: _matter_url(code, matter.pk),
    ) or render(
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


def _found_by(get: Callable[..., T]) -> Callable[[HttpRequest, str, int], T]:
    """The loader of one page's buttons: the community by its code, then `get` finds the page's object in it,
    each as the user may see them (404 otherwise)."""

    def load(request: HttpRequest, code: str, pk: int) -> T:
        community = community_get(code=code, user=request.user)
        return get(user=request.user, community=community, pk=pk)

    return load


_matter_posted = _found_by(selectors.matter_get)


def _matter_url(code: str, pk: int) -> str:
    return reverse("consultation:matter_detail", kwargs={"code": code, "pk": pk})


def _matter_and_meeting(request: HttpRequest, code: str, pk: int) -> tuple[Matter, Meeting | None]:
    matter = _matter_posted(request, code, pk)
    posted = request.POST.get("meeting")
    meeting = (
        selectors.meeting_get(user=request.user, community=matter.community, pk=parse_id(posted)) if posted else None
    )
    return matter, meeting


def _decision_posted(request: HttpRequest, code: str, pk: int) -> Decision:
    matter = _matter_posted(request, code, pk)
    pid = parse_id(request.POST.get("decision", 0))
    decision = selectors.decision_get(user=request.user, community=matter.community, pk=pid)
    if decision.matter_id != matter.pk:
        raise NotAllowed(_("This decision belongs to another matter."))
    return decision


def _task_posted(request: HttpRequest, code: str, pk: int) -> Task:
    matter = _matter_posted(request, code, pk)
    task = selectors.task_get(user=request.user, community=matter.community, pk=parse_id(request.POST.get("task", 0)))
    if task.decision.matter_id != matter.pk:
        raise NotAllowed(_("This task belongs to another matter."))
    return task


_on_matter = buttons_on(_matter_posted, name="matter", back=_matter_url)
matter_support = _on_matter(services.matter_support, gettext_lazy("Thank you for your support."))
matter_support_withdraw = _on_matter(services.matter_support_withdraw, gettext_lazy("Support withdrawn."))
matter_follow = _on_matter(services.matter_follow, gettext_lazy("You follow this matter."), on=True)
matter_unfollow = _on_matter(services.matter_follow, gettext_lazy("You no longer follow this matter."), on=False)
matter_put_on_agenda = _on_matter(services.matter_put_on_agenda, gettext_lazy("Put on the agenda."))
matter_rate = _on_matter(services.matter_rate, gettext_lazy("Thank you for your rating."), form=RatingForm)
matter_answer = _on_matter(
    services.matter_answer, gettext_lazy("The answer is sent to everyone following the matter."), form=AnswerForm
)
matter_decide = button(
    _matter_and_meeting,
    lambda request, found, data: services.decision_record(
        actor=request.user, matter=found[0], meeting=found[1], **data
    ),
    done=gettext_lazy("Decision recorded."),
    back=_matter_url,
    form=DecisionForm,
)
matter_task_create = buttons_on(_decision_posted, name="decision", back=_matter_url)(
    services.task_create, gettext_lazy("Task assigned."), form=TaskForm
)
matter_task_update = buttons_on(_task_posted, name="task", back=_matter_url)(
    services.task_post_update, gettext_lazy("Progress posted."), form=TaskUpdateForm
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
    return submit(
        request,
        form,
        lambda data: services.meeting_create(actor=request.user, community=community, **data),
        done=_("Meeting called. Followers of its matters are told."),
        then=lambda meeting: _meeting_url(code, meeting.pk),
    ) or render(
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


_meeting_posted = _found_by(selectors.meeting_get)


def _meeting_url(code: str, pk: int) -> str:
    return reverse("consultation:meeting_detail", kwargs={"code": code, "pk": pk})


def _meeting_and_matter(request: HttpRequest, code: str, pk: int) -> tuple[Meeting, Matter]:
    meeting = _meeting_posted(request, code, pk)
    pid = parse_id(request.POST.get("matter", 0))
    return meeting, selectors.matter_get(user=request.user, community=meeting.community, pk=pid)


def _attendee_ids(request: HttpRequest) -> list[int]:
    """The ticked registrations and the walk-ins' ids typed in, separated by commas."""
    ids = [int(i) for i in request.POST.getlist("attended") if i.isdigit()]
    ids += [int(i) for i in request.POST.get("walk_ins", "").replace("，", ",").split(",") if i.strip().isdigit()]
    return ids


_on_meeting = buttons_on(_meeting_posted, name="meeting", back=_meeting_url)
meeting_register = _on_meeting(services.meeting_register, gettext_lazy("You are registered. See you at the table."))
meeting_unregister = _on_meeting(services.meeting_unregister, gettext_lazy("Registration cancelled."))
meeting_add_matter = button(
    _meeting_and_matter,
    lambda request, found, _data: services.meeting_add_matter(actor=request.user, meeting=found[0], matter=found[1]),
    done=gettext_lazy("Added to the agenda."),
    back=_meeting_url,
)
meeting_hold = button(
    _meeting_posted,
    lambda request, meeting, _data: services.meeting_hold(
        actor=request.user, meeting=meeting, attendee_ids=_attendee_ids(request)
    ),
    done=gettext_lazy("The meeting is recorded as held."),
    back=_meeting_url,
)
meeting_record_minutes = _on_meeting(services.meeting_record_minutes, gettext_lazy("Minutes saved."), form=MinutesForm)
meeting_cancel = button(
    _meeting_posted,
    lambda request, meeting, _data: services.meeting_cancel(
        actor=request.user, meeting=meeting, reason=request.POST.get("reason", "")
    ),
    done=gettext_lazy("Meeting cancelled."),
    back=_meeting_url,
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
    return submit(
        request,
        form,
        lambda data: services.vote_create(
            actor=request.user, community=community, matter=matter, **{**data, "options": data["options"].splitlines()}
        ),
        done=None,
        then=lambda vote: _vote_url(code, vote.pk),
    ) or render(
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


_vote_posted = _found_by(selectors.vote_get)


def _vote_url(code: str, pk: int) -> str:
    return reverse("consultation:vote_detail", kwargs={"code": code, "pk": pk})


def _chosen_option(vote: Vote, posted: str | None) -> VoteOption:
    option = next((o for o in vote.options.all() if str(o.pk) == posted), None)
    if option is None:
        raise DomainError(_("Choose one of this vote's options."), field="option")
    return option


vote_cast = button(
    _vote_posted,
    lambda request, vote, _data: services.ballot_cast(
        actor=request.user, vote=vote, option=_chosen_option(vote, request.POST.get("option"))
    ),
    done=gettext_lazy("Your vote is counted."),
    back=_vote_url,
)
vote_close = buttons_on(_vote_posted, name="vote", back=_vote_url)(
    services.vote_close, gettext_lazy("The vote is closed.")
)


@login_required
def settings_edit(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not rules.can_configure_consultation(request.user, community):
        raise NotAllowed(_("Only the community admin may change these settings."))
    form = SettingsForm(request.POST or None, instance=services.settings_for(community))
    return submit(
        request,
        form,
        lambda data: services.settings_update(actor=request.user, community=community, **data),
        done=_("Settings saved."),
        then=reverse("consultation:home", args=[code]),
    ) or render(
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
