"""Reading consultation, always through the community and the acting user's rights."""

import datetime as dt
from typing import Any

from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.accounts.types import Actor
from linli.core.errors import NotAllowed, NotFound
from linli.core.lookup import first_or_not_found
from linli.ledger.reasons import key_part
from linli.people.models import Resident
from linli.people.rules import current
from linli.places.models import Community, Neighbourhood

from . import rules
from .models import AgendaItem, Ballot, Decision, Matter, Meeting, Registration, Support, Task, Vote


def _check_view(user: Actor, community: Community) -> None:
    if not rules.can_view_consultation(user, community):
        raise NotFound(_("No community has the code “%(code)s”.") % {"code": community.code})


def matters_for(
    *, user: Actor, community: Community, q: str = "", status: str = "", kind: str = ""
) -> QuerySet[Matter]:
    _check_view(user, community)
    qs = Matter.objects.filter(community=community).select_related("community", "neighbourhood")
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(body__icontains=q))
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def open_matters(*, user: Actor, community: Community, not_on: Meeting | None = None) -> QuerySet[Matter]:
    """Matters still gathering support or on the agenda, the most supported first; `not_on` leaves out those
    already on that meeting's agenda."""
    qs = matters_for(user=user, community=community).filter(status__in=Matter.OPEN_STATUSES)
    if not_on is not None:
        qs = qs.exclude(agenda_items__meeting=not_on)
    return qs.order_by("-support_count", "-raised_at", "-pk")


def matter_get(*, user: Actor, community: Community, pk: int) -> Matter:
    return first_or_not_found(
        matters_for(user=user, community=community).select_related("raised_by").filter(pk=pk),
        _("No such matter in this community."),
    )


def matter_chain(*, matter: Matter) -> dict[str, Any]:
    """Everything that happened to a matter, from its raising to the work done and the ratings."""
    decisions = list(
        Decision.objects.filter(matter=matter)
        .select_related("meeting")
        .prefetch_related(Prefetch("tasks", queryset=Task.objects.prefetch_related("updates__author")))
    )
    agenda = list(matter.agenda_items.select_related("meeting").order_by("meeting__starts_at"))
    votes = list(Vote.objects.filter(matter=matter).prefetch_related("options"))
    ratings = matter.ratings.aggregate(avg=Avg("score"), n=Count("pk"))
    events: list[dict[str, Any]] = [
        {"at": matter.raised_at, "kind": "raised", "text": matter.get_origin_kind_display()}
    ]
    if matter.agenda_at:
        events.append({"at": matter.agenda_at, "kind": "agenda", "text": _("Put on the agenda")})
    for item in agenda:
        m = item.meeting
        events.append({"at": m.held_at or m.starts_at, "kind": "meeting", "text": m.title, "meeting": m})
    for d in decisions:
        events.append({"at": d.created_at, "kind": "decision", "text": d.text, "decision": d})
        for t in d.tasks.all():
            for u in t.updates.all():
                events.append(
                    {"at": u.created_at, "kind": "update", "text": f"{t.title}: {u.text}", "progress": u.progress}
                )
    if matter.answered_at:
        events.append({"at": matter.answered_at, "kind": "answered", "text": matter.response})
    if matter.done_at:
        events.append({"at": matter.done_at, "kind": "done", "text": _("All the work decided is done")})
    events.sort(key=lambda e: e["at"])
    return {
        "events": events,
        "decisions": decisions,
        "agenda": agenda,
        "votes": votes,
        "rating_avg": round(ratings["avg"], 1) if ratings["avg"] is not None else None,
        "rating_count": ratings["n"],
    }


def resident_state(*, user: Actor, matter: Matter) -> dict[str, Any]:
    """What this user has done on the matter: supported, rated, following."""
    resident = rules.resident_in(user, matter.community)
    return {
        "resident": resident,
        "supported": resident is not None and Support.objects.filter(matter=matter, resident=resident).exists(),
        "rated": resident is not None and matter.ratings.filter(resident=resident).exists(),
        "following": user.is_authenticated and matter.follows.filter(user=user).exists(),
    }


def meetings_for(*, user: Actor, community: Community, upcoming: bool | None = None) -> QuerySet[Meeting]:
    _check_view(user, community)
    qs = (
        Meeting.objects.filter(community=community)
        .annotate(registered=Count("registrations", filter=Q(registrations__cancelled_at__isnull=True)))
        .prefetch_related("agenda")
    )
    if upcoming is True:
        qs = qs.filter(status=Meeting.Status.PLANNED).order_by("starts_at")
    elif upcoming is False:
        qs = qs.exclude(status=Meeting.Status.PLANNED)
    return qs


def meeting_get(*, user: Actor, community: Community, pk: int) -> Meeting:
    return first_or_not_found(
        meetings_for(user=user, community=community).filter(pk=pk), _("No such meeting in this community.")
    )


def registered_count(*, meeting: Meeting) -> int:
    """Registrations not cancelled (a meeting read through `meetings_for` carries it as `registered`)."""
    counted = getattr(meeting, "registered", None)
    if counted is not None:
        return int(counted)
    return meeting.registrations.filter(cancelled_at__isnull=True).count()


def agenda_of(*, meeting: Meeting) -> list[AgendaItem]:
    """A meeting's agenda, in order, for someone `meeting_get` already admitted."""
    return list(meeting.agenda.select_related("matter"))


def registrations_for(*, user: Actor, meeting: Meeting) -> QuerySet[Registration]:
    """The list of who registered and attended: staff and the overseeing street only."""
    if not rules.can_view_staff_pages(user, meeting.community):
        raise NotAllowed(_("Only community staff may see who registered."))
    return meeting.registrations.select_related("resident__household__building").order_by("resident__name")


def my_registration(*, user: Actor, meeting: Meeting) -> Registration | None:
    resident = rules.resident_in(user, meeting.community)
    if resident is None:
        return None
    return Registration.objects.filter(meeting=meeting, resident=resident, cancelled_at__isnull=True).first()


def votes_for(*, user: Actor, community: Community, running_at: dt.datetime | None = None) -> QuerySet[Vote]:
    """The community's votes with their options; `running_at` keeps those open at that moment."""
    _check_view(user, community)
    qs = Vote.objects.filter(community=community).select_related("matter", "neighbourhood").prefetch_related("options")
    if running_at is not None:
        qs = qs.filter(opens_at__lte=running_at, closes_at__gt=running_at)
    return qs


def vote_get(*, user: Actor, community: Community, pk: int) -> Vote:
    return first_or_not_found(
        votes_for(user=user, community=community).prefetch_related("options").filter(pk=pk),
        _("No such vote in this community."),
    )


def vote_results(*, user: Actor, vote: Vote, now: dt.datetime | None = None) -> dict[str, Any]:
    """Counts per option and turnout. Refused to everyone, staff included, while a hiding vote is still running."""
    now = now or timezone.now()
    _check_view(user, vote.community)
    if not vote.results_visible(now):
        raise NotAllowed(_("The results are hidden until the vote closes."), code="results_hidden")
    counts = dict(
        Ballot.objects.filter(vote=vote).values_list("option_id").annotate(n=Count("pk")).values_list("option_id", "n")
    )
    options = [{"id": o.pk, "label": o.label, "count": counts.get(o.pk, 0)} for o in vote.options.all()]
    total = sum(o["count"] for o in options)
    for o in options:
        o["share"] = round(100 * o["count"] / total) if total else 0
    return {"options": options, "total": total, "eligible": eligible_count(vote=vote)}


def eligible_count(*, vote: Vote) -> int:
    from linli.people.ages import born_on_or_before_for_age

    adults = Resident.objects.filter(
        current(), community=vote.community, birth_date__lte=born_on_or_before_for_age(18, timezone.localdate())
    )
    if vote.eligibility == "owners":
        adults = adults.filter(is_owner=True)
    elif vote.eligibility == "neighbourhood":
        adults = adults.filter(household__building__neighbourhood=vote.neighbourhood)
    elif vote.eligibility == "household":
        return adults.exclude(household=None).values("household").distinct().count()
    return adults.count()


def has_voted(*, user: Actor, vote: Vote) -> bool:
    resident = rules.resident_in(user, vote.community)
    return resident is not None and Ballot.objects.filter(vote=vote, voter_key=vote.voter_key(resident)).exists()


def my_open_ballot(*, user: Actor, vote: Vote) -> Ballot | None:
    """In an open vote a voter may see their own choice; a secret ballot cannot be found again by anyone."""
    resident = rules.resident_in(user, vote.community)
    if vote.secret or resident is None:
        return None
    return Ballot.objects.filter(vote=vote, resident=resident).select_related("option").first()


def tasks_for(
    *, user: Actor, community: Community, overdue_only: bool = False, open_only: bool = False
) -> QuerySet[Task]:
    _check_view(user, community)
    qs = (
        Task.objects.filter(community=community).select_related("decision__matter", "owner").prefetch_related("updates")
    )
    if open_only:
        qs = qs.filter(status=Task.Status.OPEN)
    if overdue_only:
        qs = qs.filter(status=Task.Status.OPEN, due_date__lt=timezone.localdate())
    return qs


def task_get(*, user: Actor, community: Community, pk: int) -> Task:
    return first_or_not_found(
        tasks_for(user=user, community=community).filter(pk=pk), _("No such task in this community.")
    )


def decision_get(*, user: Actor, community: Community, pk: int) -> Decision:
    _check_view(user, community)
    return first_or_not_found(
        Decision.objects.filter(community=community, pk=pk).select_related("matter__community"),
        _("No such decision in this community."),
    )


def statistics(*, user: Actor, community: Community, since: dt.datetime | None = None) -> dict[str, Any]:
    _check_view(user, community)
    matters = Matter.objects.filter(community=community)
    meetings = Meeting.objects.filter(community=community)
    if since is not None:
        matters = matters.filter(raised_at__gte=since)
        meetings = meetings.filter(starts_at__gte=since)
    by_status = dict(matters.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    ratings = Matter.objects.filter(community=community).aggregate(avg=Avg("ratings__score"))
    return {
        "matters": matters.count(),
        "by_status": {str(label): by_status.get(value, 0) for value, label in Matter.Status.choices},
        "solved": by_status.get(Matter.Status.DONE, 0),
        "meetings_held": meetings.filter(status=Meeting.Status.HELD).count(),
        "open_tasks": Task.objects.filter(community=community, status=Task.Status.OPEN).count(),
        "overdue_tasks": Task.objects.filter(
            community=community, status=Task.Status.OPEN, due_date__lt=timezone.localdate()
        ).count(),
        "rating_avg": round(ratings["avg"], 2) if ratings["avg"] is not None else None,
    }


def export_rows(*, user: Actor, community: Community) -> list[list[Any]]:
    """The matters of a community, one row each, for staff and the street. Mediation is never part of this."""
    if not rules.can_export(user, community):
        raise NotAllowed(_("Only community staff and the street may export."))
    rows: list[list[Any]] = [
        ["id", "kind", "title", "status", "origin", "supports", "raised_at", "decided_at", "done_at", "rating"]
    ]
    qs = Matter.objects.filter(community=community).annotate(rating=Avg("ratings__score")).order_by("raised_at")
    for m in qs:
        rows.append(
            [
                m.pk,
                m.kind,
                m.title,
                m.status,
                m.origin_kind,
                m.support_count,
                timezone.localtime(m.raised_at).isoformat(),
                timezone.localtime(m.decided_at).isoformat() if m.decided_at else "",
                timezone.localtime(m.done_at).isoformat() if m.done_at else "",
                round(m.rating, 2) if m.rating is not None else "",
            ]
        )
    return rows


def neighbourhood_get(*, user: Actor, community: Community, pk: int, field: str | None = None) -> Neighbourhood:
    """A neighbourhood of this community named in a request."""
    _check_view(user, community)
    return first_or_not_found(
        Neighbourhood.objects.filter(community=community, pk=pk),
        _("No such neighbourhood in this community."),
        field=field,
    )


def account_by_mobile(*, user: Actor, community: Community, mobile: str) -> User | None:
    """The account with this mobile number, named as a report's reporter (`matter_lift_from_report` decides
    whether it may follow the matter, answering the same for a stranger as for nobody)."""
    _check_view(user, community)
    return User.objects.filter(mobile=mobile).first() if mobile else None


def earnings_described(txns: list[Any]) -> dict[int, str]:
    """For the points statement: the proposal, meeting or vote each `consultation:<what>:<id>:…` earning was for
    (never how the resident voted)."""
    wanted: dict[str, dict[int, int]] = {"support": {}, "attend": {}, "vote": {}}
    for t in txns:
        what, pk = t.idempotency_key.split(":")[1:2] or [""], key_part(t, 2)
        if what[0] in wanted and pk:
            wanted[what[0]][t.pk] = pk
    titles = {
        "support": dict(Matter.objects.filter(pk__in=wanted["support"].values()).values_list("pk", "title")),
        "attend": dict(Meeting.objects.filter(pk__in=wanted["attend"].values()).values_list("pk", "title")),
        "vote": dict(Vote.objects.filter(pk__in=wanted["vote"].values()).values_list("pk", "question")),
    }
    return {txn: titles[what][pk] for what, ids in wanted.items() for txn, pk in ids.items() if pk in titles[what]}
