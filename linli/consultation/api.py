from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from linli.accounts.api_auth import AUTH
from linli.accounts.types import Actor
from linli.core.api import Page, page_of
from linli.core.errors import DomainError, NotAllowed
from linli.places.models import Neighbourhood
from linli.places.selectors import community_get

from . import rules, selectors, services
from .models import Decision, Matter, Meeting, Task, Vote
from .schemas import (
    AgendaIn,
    AnswerIn,
    AttendanceIn,
    BallotIn,
    BallotOut,
    ConsultationDecisionIn,
    DecisionOut,
    LiftIn,
    MatterDetailOut,
    MatterIn,
    MatterOut,
    MeetingIn,
    MeetingOut,
    MinutesIn,
    RatingIn,
    SettingsIO,
    SupportOut,
    TaskIn,
    TaskOut,
    TaskUpdateIn,
    VoteIn,
    VoteOut,
)

router = Router(tags=["consultation"], auth=AUTH)
BASE = "/communities/{code}/consultation"


def _hood(user: Actor, community: Any, pk: int | None) -> Neighbourhood | None:
    if pk is None:
        return None
    return selectors.neighbourhood_get(user=user, community=community, pk=pk, field="neighbourhood_id")


def _matter(request: HttpRequest, code: str, pk: int) -> Matter:
    return selectors.matter_get(user=request.user, community=community_get(code=code, user=request.user), pk=pk)


def _meeting(request: HttpRequest, code: str, pk: int) -> Meeting:
    return selectors.meeting_get(user=request.user, community=community_get(code=code, user=request.user), pk=pk)


def _task(request: HttpRequest, code: str, pk: int) -> Task:
    return selectors.task_get(user=request.user, community=community_get(code=code, user=request.user), pk=pk)


def _vote(request: HttpRequest, code: str, pk: int) -> Vote:
    return selectors.vote_get(user=request.user, community=community_get(code=code, user=request.user), pk=pk)


def matter_out(m: Matter) -> dict[str, Any]:
    names = ("kind", "title", "body", "status", "origin_kind", "support_count")
    dates = ("raised_at", "agenda_at", "decided_at", "done_at")
    return {
        "id": m.pk,
        **{k: getattr(m, k) for k in names},
        "neighbourhood": m.neighbourhood.name if m.neighbourhood else None,
        **{k: getattr(m, k) for k in dates},
        "response": m.response,
    }


def task_out(t: Task) -> dict[str, Any]:
    return {
        "id": t.pk,
        **{k: getattr(t, k) for k in ("title", "owner_party", "owner_name", "due_date", "status", "progress")},
        "overdue": t.is_overdue(),
        "updates": [{"text": u.text, "progress": u.progress, "created_at": u.created_at} for u in t.updates.all()],
    }


def decision_out(d: Decision) -> dict[str, Any]:
    names = ("text", "meeting_id", "responsible_party", "responsible_name", "due_date")
    return {"id": d.pk, **{k: getattr(d, k) for k in names}, "tasks": [task_out(t) for t in d.tasks.all()]}


def meeting_out(m: Meeting) -> dict[str, Any]:
    return {
        "id": m.pk,
        **{k: getattr(m, k) for k in ("title", "mode", "starts_at", "place", "online_url", "capacity")},
        "registered": selectors.registered_count(meeting=m),
        "parties": list(m.parties),
        "status": m.status,
        "minutes": m.minutes,
        "agenda": [a.matter_id for a in m.agenda.all()],
    }


def vote_out(v: Vote, user: Actor) -> dict[str, Any]:
    now = timezone.now()
    results = selectors.vote_results(user=user, vote=v, now=now) if v.results_visible(now) else None
    return {
        "id": v.pk,
        **{k: getattr(v, k) for k in ("question", "matter_id", "eligibility")},
        "neighbourhood": v.neighbourhood.name if v.neighbourhood else None,
        **{k: getattr(v, k) for k in ("secret", "hide_results", "opens_at", "closes_at")},
        "phase": v.phase(now),
        "options": [{"id": o.pk, "label": o.label} for o in v.options.all()],
        "has_voted": selectors.has_voted(user=user, vote=v),
        "eligible": rules.can_vote(user, v),
        "results": results["options"] if results else None,
        "total": results["total"] if results else None,
        "turnout_of": results["eligible"] if results else None,
    }


# --- matters -------------------------------------------------------------------------------------------


@router.get(BASE + "/matters", response=list[MatterOut])
def matter_list(
    request: HttpRequest, code: str, page: Query[Page], q: str = "", status: str = "", kind: str = ""
) -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    qs = selectors.matters_for(user=request.user, community=community, q=q, status=status, kind=kind)
    return [matter_out(m) for m in page_of(qs, page)]


@router.post(BASE + "/matters", response={201: MatterOut})
def matter_raise(request: HttpRequest, code: str, payload: MatterIn) -> Status:
    community = community_get(code=code, user=request.user)
    matter = services.matter_raise(
        actor=request.user,
        community=community,
        neighbourhood=_hood(request.user, community, payload.neighbourhood_id),
        **payload.dict(exclude={"neighbourhood_id"}),
    )
    return Status(201, matter_out(matter))


@router.post(BASE + "/matters/from-report", response={201: MatterOut})
def matter_lift(request: HttpRequest, code: str, payload: LiftIn) -> Status:
    """Lift a report into a matter (integration point for the reports domain)."""
    community = community_get(code=code, user=request.user)
    reporter = selectors.account_by_mobile(user=request.user, community=community, mobile=payload.reporter_mobile or "")
    if payload.reporter_mobile and reporter is None:
        raise services.unknown_reporter()
    matter = services.matter_lift_from_report(
        actor=request.user,
        community=community,
        reporter=reporter,
        **payload.dict(exclude={"neighbourhood_id", "reporter_mobile"}),
    )
    return Status(201, matter_out(matter))


@router.get(BASE + "/matters/{matter_id}", response=MatterDetailOut)
def matter_detail(request: HttpRequest, code: str, matter_id: int) -> dict[str, Any]:
    matter = _matter(request, code, matter_id)
    chain = selectors.matter_chain(matter=matter)
    state = selectors.resident_state(user=request.user, matter=matter)
    return {
        **matter_out(matter),
        "decisions": [decision_out(d) for d in chain["decisions"]],
        "meetings": [a.meeting_id for a in chain["agenda"]],
        "votes": [v.pk for v in chain["votes"]],
        "rating_avg": chain["rating_avg"],
        "rating_count": chain["rating_count"],
        "supported": state["supported"],
        "following": state["following"],
    }


def _support_out(matter: Matter) -> dict[str, Any]:
    """The matter's support as it stands after a resident's change."""
    matter.refresh_from_db()
    return {"matter_id": matter.pk, "support_count": matter.support_count, "status": matter.status}


@router.post(BASE + "/matters/{matter_id}/support", response={201: SupportOut})
def matter_support(request: HttpRequest, code: str, matter_id: int) -> Status:
    matter = _matter(request, code, matter_id)
    services.matter_support(actor=request.user, matter=matter)
    return Status(201, _support_out(matter))


@router.delete(BASE + "/matters/{matter_id}/support", response=SupportOut)
def matter_support_withdraw(request: HttpRequest, code: str, matter_id: int) -> dict[str, Any]:
    matter = _matter(request, code, matter_id)
    services.matter_support_withdraw(actor=request.user, matter=matter)
    return _support_out(matter)


@router.post(BASE + "/matters/{matter_id}/agenda", response=MatterOut)
def matter_agenda(request: HttpRequest, code: str, matter_id: int) -> dict[str, Any]:
    matter = _matter(request, code, matter_id)
    return matter_out(services.matter_put_on_agenda(actor=request.user, matter=matter))


@router.post(BASE + "/matters/{matter_id}/answer", response=MatterOut)
def matter_answer(request: HttpRequest, code: str, matter_id: int, payload: AnswerIn) -> dict[str, Any]:
    matter = _matter(request, code, matter_id)
    return matter_out(services.matter_answer(actor=request.user, matter=matter, response=payload.response))


@router.post(BASE + "/matters/{matter_id}/rating", response={201: dict})
def matter_rate(request: HttpRequest, code: str, matter_id: int, payload: RatingIn) -> Status:
    matter = _matter(request, code, matter_id)
    rating = services.matter_rate(actor=request.user, matter=matter, score=payload.score, comment=payload.comment)
    return Status(201, {"matter_id": matter.pk, "score": rating.score})


@router.post(BASE + "/matters/{matter_id}/decisions", response={201: DecisionOut})
def decision_record(request: HttpRequest, code: str, matter_id: int, payload: ConsultationDecisionIn) -> Status:
    """Record a decision on a matter without a meeting (e.g. after a vote). Decisions of a meeting go through
    the meeting's own endpoint."""
    matter = _matter(request, code, matter_id)
    if payload.matter_id != matter.pk:
        raise DomainError(_("The matter in the body differs from the one in the address."), field="matter_id")
    decision = services.decision_record(actor=request.user, matter=matter, **payload.dict(exclude={"matter_id"}))
    return Status(201, decision_out(decision))


# --- meetings ------------------------------------------------------------------------------------------


@router.get(BASE + "/meetings", response=list[MeetingOut])
def meeting_list(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    return [meeting_out(m) for m in selectors.meetings_for(user=request.user, community=community)[:200]]


@router.post(BASE + "/meetings", response={201: MeetingOut})
def meeting_create(request: HttpRequest, code: str, payload: MeetingIn) -> Status:
    community = community_get(code=code, user=request.user)
    matters = [selectors.matter_get(user=request.user, community=community, pk=pk) for pk in payload.matter_ids]
    meeting = services.meeting_create(
        actor=request.user, community=community, matters=matters, **payload.dict(exclude={"matter_ids"})
    )
    return Status(201, meeting_out(meeting))


@router.get(BASE + "/meetings/{meeting_id}", response=MeetingOut)
def meeting_detail(request: HttpRequest, code: str, meeting_id: int) -> dict[str, Any]:
    return meeting_out(_meeting(request, code, meeting_id))


@router.post(BASE + "/meetings/{meeting_id}/agenda", response=MeetingOut)
def meeting_agenda_add(request: HttpRequest, code: str, meeting_id: int, payload: AgendaIn) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    meeting = selectors.meeting_get(user=request.user, community=community, pk=meeting_id)
    matter = selectors.matter_get(user=request.user, community=community, pk=payload.matter_id)
    services.meeting_add_matter(actor=request.user, meeting=meeting, matter=matter)
    return meeting_out(selectors.meeting_get(user=request.user, community=community, pk=meeting_id))


@router.post(BASE + "/meetings/{meeting_id}/registration", response={201: dict})
def meeting_register(request: HttpRequest, code: str, meeting_id: int) -> Status:
    meeting = _meeting(request, code, meeting_id)
    services.meeting_register(actor=request.user, meeting=meeting)
    return Status(201, {"meeting_id": meeting.pk, "registered": True})


@router.delete(BASE + "/meetings/{meeting_id}/registration", response=dict)
def meeting_unregister(request: HttpRequest, code: str, meeting_id: int) -> dict[str, Any]:
    meeting = _meeting(request, code, meeting_id)
    services.meeting_unregister(actor=request.user, meeting=meeting)
    return {"meeting_id": meeting.pk, "registered": False}


@router.post(BASE + "/meetings/{meeting_id}/held", response=MeetingOut)
def meeting_hold(request: HttpRequest, code: str, meeting_id: int, payload: AttendanceIn) -> dict[str, Any]:
    meeting = _meeting(request, code, meeting_id)
    services.meeting_hold(actor=request.user, meeting=meeting, attendee_ids=payload.resident_ids)
    return meeting_out(_meeting(request, code, meeting_id))


@router.put(BASE + "/meetings/{meeting_id}/minutes", response=MeetingOut)
def meeting_minutes(request: HttpRequest, code: str, meeting_id: int, payload: MinutesIn) -> dict[str, Any]:
    meeting = _meeting(request, code, meeting_id)
    services.meeting_record_minutes(actor=request.user, meeting=meeting, minutes=payload.minutes)
    return meeting_out(_meeting(request, code, meeting_id))


@router.post(BASE + "/meetings/{meeting_id}/decisions", response={201: DecisionOut})
def meeting_decision(request: HttpRequest, code: str, meeting_id: int, payload: ConsultationDecisionIn) -> Status:
    community = community_get(code=code, user=request.user)
    meeting = selectors.meeting_get(user=request.user, community=community, pk=meeting_id)
    matter = selectors.matter_get(user=request.user, community=community, pk=payload.matter_id)
    decision = services.decision_record(
        actor=request.user, matter=matter, meeting=meeting, **payload.dict(exclude={"matter_id"})
    )
    return Status(201, decision_out(decision))


# --- tasks ---------------------------------------------------------------------------------------------


@router.post(BASE + "/decisions/{decision_id}/tasks", response={201: TaskOut})
def task_create(request: HttpRequest, code: str, decision_id: int, payload: TaskIn) -> Status:
    community = community_get(code=code, user=request.user)
    decision = selectors.decision_get(user=request.user, community=community, pk=decision_id)
    task = services.task_create(actor=request.user, decision=decision, **payload.dict())
    return Status(201, task_out(task))


@router.get(BASE + "/tasks", response=list[TaskOut])
def task_list(request: HttpRequest, code: str, overdue: bool = False) -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    qs = selectors.tasks_for(user=request.user, community=community, overdue_only=overdue)
    return [task_out(t) for t in qs[:500]]


@router.post(BASE + "/tasks/{task_id}/updates", response={201: TaskOut})
def task_update(request: HttpRequest, code: str, task_id: int, payload: TaskUpdateIn) -> Status:
    task = _task(request, code, task_id)
    services.task_post_update(actor=request.user, task=task, text=payload.text, progress=payload.progress)
    return Status(201, task_out(_task(request, code, task_id)))


# --- votes ---------------------------------------------------------------------------------------------


@router.get(BASE + "/votes", response=list[VoteOut])
def vote_list(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    return [vote_out(v, request.user) for v in selectors.votes_for(user=request.user, community=community)[:100]]


@router.post(BASE + "/votes", response={201: VoteOut})
def vote_create(request: HttpRequest, code: str, payload: VoteIn) -> Status:
    community = community_get(code=code, user=request.user)
    matter = (
        selectors.matter_get(user=request.user, community=community, pk=payload.matter_id)
        if payload.matter_id
        else None
    )
    vote = services.vote_create(
        actor=request.user,
        community=community,
        neighbourhood=_hood(request.user, community, payload.neighbourhood_id),
        matter=matter,
        **payload.dict(exclude={"neighbourhood_id", "matter_id"}),
    )
    return Status(201, vote_out(vote, request.user))


@router.get(BASE + "/votes/{vote_id}", response=VoteOut)
def vote_detail(request: HttpRequest, code: str, vote_id: int) -> dict[str, Any]:
    """`results` is null while a vote that hides its results is running, for every caller."""
    return vote_out(_vote(request, code, vote_id), request.user)


@router.post(BASE + "/votes/{vote_id}/ballots", response={201: BallotOut})
def ballot_cast(request: HttpRequest, code: str, vote_id: int, payload: BallotIn) -> Status:
    vote = _vote(request, code, vote_id)
    option = next((o for o in vote.options.all() if o.pk == payload.option_id), None)
    if option is None:
        raise DomainError(_("Choose one of this vote's options."), field="option_id")
    services.ballot_cast(actor=request.user, vote=vote, option=option)
    return Status(201, {"vote_id": vote.pk, "counted": True})


@router.post(BASE + "/votes/{vote_id}/close", response=VoteOut)
def vote_close(request: HttpRequest, code: str, vote_id: int) -> dict[str, Any]:
    vote = _vote(request, code, vote_id)
    services.vote_close(actor=request.user, vote=vote)
    return vote_out(_vote(request, code, vote_id), request.user)


# --- settings and statistics ---------------------------------------------------------------------------


@router.get(BASE + "/settings", response=SettingsIO)
def settings_get(request: HttpRequest, code: str) -> Any:
    community = community_get(code=code, user=request.user)
    return services.settings_for(community)


@router.put(BASE + "/settings", response=SettingsIO)
def settings_put(request: HttpRequest, code: str, payload: SettingsIO) -> Any:
    community = community_get(code=code, user=request.user)
    return services.settings_update(actor=request.user, community=community, **payload.dict())


@router.get(BASE + "/statistics", response=dict)
def statistics(request: HttpRequest, code: str) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    if not rules.can_view_consultation(request.user, community):
        raise NotAllowed(_("You may not see this community's consultation."))
    return selectors.statistics(user=request.user, community=community)
