"""Pages for volunteers and organisers: parse, check the rule, call one service, render."""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from linli.core.buttons import button, press, submit
from linli.core.errors import DomainError, NotAllowed, NotFound
from linli.core.file_responses import PDF, file_response
from linli.core.parsing import parse_id
from linli.core.retire import retire_and_restore
from linli.ledger import selectors as ledger_selectors
from linli.people.selectors import resident_of_user
from linli.places.selectors import community_get

from . import codes, rules, selectors, services
from .certificates import certificate_pdf, qr_svg
from .forms import ActivityForm, ActivityTypeForm, BookVenueForm, ClubForm, ReasonForm, TeamForm
from .models import Activity, ActivityType, ServiceRecord, SignUp


def _resident(request: HttpRequest):  # type: ignore[no-untyped-def]
    resident = resident_of_user(user=request.user)
    if resident is None:
        raise NotFound(_("Your account is not linked to a resident of a community yet."))
    return resident


def _nav(request: HttpRequest, community: Any) -> dict[str, Any]:
    """What the volunteering pages' navigation shows this user."""
    return {
        "community": community,
        "nav_organised": rules.can_list_organised(request.user, community),
        "nav_new_activity": rules.can_create_activity(request.user, community),
        "nav_types": rules.can_manage_activity_types(request.user, community),
    }


def _resident_in(request: HttpRequest, community: Any) -> Any:
    """The user's resident profile if it is in this community (else None: staff, or another community)."""
    resident = resident_of_user(user=request.user)
    return resident if resident is not None and resident.community_id == community.pk else None


@login_required
def home(request: HttpRequest) -> HttpResponse:
    resident = _resident(request)
    community = resident.community
    return render(
        request,
        "volunteering/home.html",
        {
            "resident": resident,
            "activities": selectors.activities_upcoming(community=community)[:50],
            "teams": selectors.teams(community=community),
            "clubs": selectors.clubs(community=community),
            "can_organise": rules.can_organise(request.user, community),
            **_nav(request, community),
        },
    )


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_for_user(user=request.user, pk=pk)
    resident = resident_of_user(user=request.user)
    return render(
        request,
        "volunteering/activity.html",
        {
            "activity": activity,
            "signup": selectors.signup_of(activity=activity, resident=resident),
            "can_run": rules.can_run_activity(request.user, activity),
            "can_cancel": rules.can_cancel_activity(request.user, activity),
            "can_sign_up_others": _signup_open(activity) and rules.can_sign_up_others(request.user, activity),
            "code": request.GET.get("code", "")[:6],
            **_nav(request, activity.community),
        },
    )


def _signup_open(activity: Activity) -> bool:
    return activity.status == Activity.Status.PUBLISHED and activity.starts_at > timezone.now()


def _activity_posted(request: HttpRequest, pk: int) -> Activity:
    return selectors.activity_for_user(user=request.user, pk=pk)


def _activity_url(pk: int) -> str:
    return reverse("volunteering:activity", kwargs={"pk": pk})


def _signup_cancel(request: HttpRequest, activity: Activity, _data: dict[str, Any]) -> None:
    mine = selectors.signup_of(activity=activity, resident=_resident(request))
    if mine is None:
        raise NotFound(_("No such sign-up."))
    services.signup_cancel(actor=request.user, signup=mine)


signup = button(
    _activity_posted,
    lambda request, activity, _data: services.signup_create(
        actor=request.user, activity=activity, resident=_resident(request)
    ),
    done=lambda made: (
        _("You are signed up.")
        if made.status == "confirmed"
        else _("The activity is full: you are on the waiting list.")
    ),
    back=_activity_url,
)
signup_cancel = button(
    _activity_posted, _signup_cancel, done=gettext_lazy("Your sign-up is withdrawn."), back=_activity_url
)
check_in = button(
    _activity_posted,
    lambda request, activity, _data: services.check_in(
        actor=request.user, activity=activity, resident=_resident(request), code=request.POST.get("code", "")
    ),
    done=gettext_lazy("Checked in. Your hours are waiting for the organiser's confirmation."),
    back=_activity_url,
)


@login_required
def run(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_for_user(user=request.user, pk=pk)
    roster = list(selectors.roster(user=request.user, activity=activity))
    now = timezone.now()
    code = codes.current_code(activity, now)
    url = request.build_absolute_uri(reverse("volunteering:activity", args=[activity.pk])) + f"?code={code}"
    return render(
        request,
        "volunteering/run.html",
        {
            "activity": activity,
            "roster": roster,
            "can_sign_up_others": _signup_open(activity) and rules.can_sign_up_others(request.user, activity),
            "to_tick": any(s.status == "confirmed" and not s.checked_in_at for s in roster),
            "to_confirm": any(getattr(s, "record", None) and s.record.status == "pending" for s in roster),
            "code": code,
            "qr": qr_svg(url),
            "seconds": codes.seconds_left(now),
            **_nav(request, activity.community),
        },
    )


def _record_button(
    act: Callable[[HttpRequest, ServiceRecord], ServiceRecord], said: Callable[[ServiceRecord], str]
) -> Callable[..., HttpResponse]:
    """A button on one volunteer's hours on the organiser's run page: `act` calls the one service, `said(record)`
    is the message; back to the run page."""

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        record = selectors.record_get(user=request.user, pk=pk)
        return press(
            request,
            lambda _data: act(request, record),
            done=said,
            back=reverse("volunteering:run", kwargs={"pk": record.activity_id}),
        )

    return view


def _confirm(request: HttpRequest, record: ServiceRecord) -> ServiceRecord:
    raw = request.POST.get("minutes", "").strip()
    try:
        minutes = int(raw) if raw else None
    except ValueError:
        raise DomainError(_("Enter the minutes as a whole number."), field="minutes") from None
    return services.record_confirm(actor=request.user, record=record, minutes=minutes)


def _reject(request: HttpRequest, record: ServiceRecord) -> ServiceRecord:
    form = ReasonForm(request.POST)
    if not form.is_valid():
        raise DomainError(_("Say why these hours are not confirmed."), field="reason")
    return services.record_reject(actor=request.user, record=record, reason=form.cleaned_data["reason"])


record_confirm = _record_button(
    _confirm,
    lambda done: (
        _("%(name)s: %(h)s hours confirmed, %(p)s points.")
        % {"name": done.resident.name, "h": done.hours, "p": done.points}
    ),
)
record_reject = _record_button(
    _reject, lambda done: _("%(name)s: the hours are not confirmed.") % {"name": done.resident.name}
)


def _run_url(activity: Activity) -> str:
    return reverse("volunteering:run", kwargs={"pk": activity.pk})


@login_required
@require_POST
def roll_call(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser ticks off, on the run page, the volunteers who came without scanning the code."""
    activity = selectors.activity_for_user(user=request.user, pk=pk)
    ids = [int(v) for v in request.POST.getlist("resident") if v.isdigit()]
    return press(
        request,
        lambda _data: services.check_ins(
            actor=request.user,
            activity=activity,
            residents=selectors.roll_call(user=request.user, activity=activity, resident_ids=ids),
        ),
        done=lambda records: _("Volunteers checked in: %(n)s.") % {"n": len(records)},
        back=_run_url(activity),
    )


@login_required
@require_POST
def confirm_all(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser confirms every volunteer's hours of the activity as recorded."""
    activity = selectors.activity_for_user(user=request.user, pk=pk)
    return press(
        request,
        lambda _data: services.records_confirm(
            actor=request.user, records=selectors.hours_to_confirm(user=request.user, activity=activity)
        ),
        done=lambda records: _("Volunteers whose hours were confirmed: %(n)s.") % {"n": len(records)},
        back=_run_url(activity),
    )


def _signed_up_said(made: list[SignUp]) -> str:
    """Who got a place and who waits, by name: "Signed up: A, B. On the waiting list: C." """
    comma = pgettext("between names", ", ")
    confirmed = comma.join(s.resident.name for s in made if s.status == SignUp.Status.CONFIRMED)
    waiting = comma.join(s.resident.name for s in made if s.status == SignUp.Status.WAITLISTED)
    if confirmed and waiting:
        return _("Signed up: %(names)s. On the waiting list: %(waiting)s.") % {"names": confirmed, "waiting": waiting}
    if waiting:
        return _("On the waiting list: %(names)s.") % {"names": waiting}
    return _("Signed up: %(names)s.") % {"names": confirmed}


@login_required
def signups(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser or the community's staff sign residents up (代报名: elders who asked by phone or at the desk):
    find them by name or the last four digits of their mobile (or take the team's list), tick, sign up. Those
    ticked stay chosen when the organiser searches again. The list below says who has a place and who waits."""
    activity = selectors.activity_to_sign_up_for(user=request.user, pk=pk)
    here = reverse("volunteering:signups", kwargs={"pk": activity.pk})
    if request.method == "POST":
        q = request.POST.get("q", "").strip()[:40]
        ids = [parse_id(v, field="resident") for v in request.POST.getlist("resident")]
        back = f"{here}?{urlencode({'q': q, 'chosen': ids}, doseq=True)}" if q or ids else here
        if "search" in request.POST:
            return redirect(back)
        return press(
            request,
            lambda _data: services.signups_create(
                actor=request.user,
                activity=activity,
                residents=selectors.residents_to_sign_up(user=request.user, activity=activity, resident_ids=ids),
            ),
            done=_signed_up_said,
            back=back,
        )
    q = request.GET.get("q", "").strip()[:40]
    chosen_ids = [parse_id(v, field="resident") for v in request.GET.getlist("chosen")]
    chosen = selectors.signup_chosen(user=request.user, activity=activity, resident_ids=chosen_ids)
    candidates = selectors.signup_candidates(user=request.user, activity=activity, search=q, chosen=chosen_ids)
    return render(
        request,
        "volunteering/signups.html",
        {
            "activity": activity,
            "q": q,
            "chosen": chosen,
            "candidates": candidates,
            "only_the_first": selectors.SIGNUP_CANDIDATES if len(candidates) >= selectors.SIGNUP_CANDIDATES else None,
            "roster": selectors.roster(user=request.user, activity=activity),
            "open": _signup_open(activity),
            **_nav(request, activity.community),
        },
    )


@login_required
def my_hours(request: HttpRequest) -> HttpResponse:
    resident = _resident(request)
    return render(
        request,
        "volunteering/my_hours.html",
        {
            "resident": resident,
            "years": selectors.years_of(resident=resident),
            "records": selectors.records_of(user=request.user, resident=resident)[:100],
            **_nav(request, resident.community),
        },
    )


@login_required
def certificate(request: HttpRequest, year: int) -> HttpResponse:
    resident = _resident(request)
    try:
        cert = services.certificate_issue(actor=request.user, resident=resident, year=year)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("volunteering:my_hours")
    verify = request.build_absolute_uri(reverse("volunteering:verify", args=[cert.serial]))
    return file_response(
        certificate_pdf(cert, verify_url=verify),
        filename=f"volunteer-{year}-{cert.serial}.pdf",
        content_type=PDF,
        inline=True,
    )


def verify(request: HttpRequest, serial: str) -> HttpResponse:
    """Anyone holding a certificate can check it is genuine (name shown masked)."""
    cert = selectors.certificate_verify(serial=serial)
    name = cert.resident.name
    masked = name[0] + "*" * (len(name) - 1)
    return render(
        request, "volunteering/verify.html", {"cert": cert, "name": masked, "hours": round(cert.minutes / 60, 1)}
    )


@login_required
@require_POST
def club_join(request: HttpRequest, pk: int) -> HttpResponse:
    resident = _resident(request)
    club = selectors.club_get(user=request.user, community=resident.community, pk=pk)
    return press(
        request,
        lambda _data: services.club_join(actor=request.user, club=club, resident=resident, now=timezone.now()),
        done=_("Welcome to %(club)s.") % {"club": club.name},
        back=reverse("volunteering:club", kwargs={"code": resident.community.code, "pk": club.pk}),
    )


# --- teams (community pages) ------------------------------------------------------------------------------


@login_required
def teams(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    return render(
        request,
        "volunteering/teams.html",
        {
            **_nav(request, community),
            "teams": selectors.teams(community=community),
            "can_create": rules.can_create_team(request.user, community),
        },
    )


@login_required
def team_new(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not rules.can_create_team(request.user, community):
        raise NotAllowed(_("You may not create volunteer teams in this community."))
    form = TeamForm(request.POST or None)
    return submit(
        request,
        form,
        lambda data: services.team_create(actor=request.user, community=community, **data),
        done=lambda team: _("The team %(name)s is set up.") % {"name": team.name},
        then=lambda team: reverse("volunteering:team", kwargs={"code": code, "pk": team.pk}),
    ) or render(
        request, "volunteering/form.html", {**_nav(request, community), "form": form, "title": _("New volunteer team")}
    )


@login_required
def team_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    team = selectors.team_get(user=request.user, community=community, pk=pk)
    membership = selectors.team_membership_of(team=team, resident=_resident_in(request, community))
    return render(
        request,
        "volunteering/team.html",
        {
            **_nav(request, community),
            **selectors.team_activities(team=team),
            "team": team,
            "members": selectors.team_members(user=request.user, team=team),
            "can_see_members": rules.can_view_team_members(request.user, team),
            "membership": membership,
            "can_join": membership is None and rules.can_join_team(request.user, team),
        },
    )


@login_required
@require_POST
def team_join(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    team = selectors.team_get(user=request.user, community=community, pk=pk)
    return press(
        request,
        lambda _data: services.team_join(actor=request.user, team=team, resident=_resident(request)),
        done=_("Welcome to %(team)s.") % {"team": team.name},
        back=reverse("volunteering:team", kwargs={"code": code, "pk": team.pk}),
    )


# --- activities (organisers) ------------------------------------------------------------------------------


@login_required
def activity_new(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not rules.can_create_activity(request.user, community):
        raise NotAllowed(_("You may not organise activities in this community."))
    types = selectors.activity_types(community=community, active=True)
    form = ActivityForm(request.POST or None, community=community, types=types)
    return submit(
        request,
        form,
        lambda data: services.activity_create(actor=request.user, community=community, **data),
        done=_("The activity is published. Volunteers can sign up now."),
        then=lambda activity: reverse("volunteering:activity", kwargs={"pk": activity.pk}),
    ) or render(
        request, "volunteering/form.html", {**_nav(request, community), "form": form, "title": _("New activity")}
    )


@login_required
def organised(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not rules.can_list_organised(request.user, community):
        raise NotAllowed(_("This list is for the organisers of activities and the community's staff."))
    past = request.GET.get("when") == "past"
    activities = list(selectors.activities_organised(user=request.user, community=community, past=past)[:200])
    for a in activities:
        a.pending_hours = round(a.pending_minutes / 60, 1)  # type: ignore[attr-defined]
    return render(
        request, "volunteering/organised.html", {**_nav(request, community), "past": past, "activities": activities}
    )


@login_required
def activity_cancel(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    activity = selectors.activity_get(user=request.user, community=community, pk=pk)
    if not rules.can_cancel_activity(request.user, activity):
        raise NotAllowed(_("You may not change this activity."))
    form = ReasonForm(request.POST or None)
    return submit(
        request,
        form,
        lambda data: services.activity_cancel(actor=request.user, activity=activity, reason=data["reason"]),
        done=_("The activity is cancelled; everyone signed up is told why."),
        then=reverse("volunteering:organised", kwargs={"code": code}),
    ) or render(
        request,
        "volunteering/form.html",
        {
            **_nav(request, community),
            "form": form,
            "title": _("Cancel the activity"),
            "lead": f"{activity.title} · {timezone.localtime(activity.starts_at):%Y-%m-%d %H:%M}",
            "danger": True,
        },
    )


# --- activity types (community staff) ----------------------------------------------------------------------


def _types_community(request: HttpRequest, code: str) -> Any:
    community = community_get(code=code, user=request.user)
    if not rules.can_manage_activity_types(request.user, community):
        raise NotAllowed(_("You may not set up this community's activity types."))
    return community


@login_required
def activity_types(request: HttpRequest, code: str) -> HttpResponse:
    community = _types_community(request, code)
    labels = {r.code: r.label for r in ledger_selectors.earning_rules(community)}
    kinds = list(selectors.activity_types(community=community))
    for kind in kinds:
        kind.rule_label = labels.get(kind.earning_rule, kind.earning_rule)  # type: ignore[attr-defined]
        kind.attendance_label = labels.get(kind.attendance_rule, kind.attendance_rule)  # type: ignore[attr-defined]
    return render(request, "volunteering/types.html", {**_nav(request, community), "types": kinds})


@login_required
def activity_type_edit(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    """Add a type (no `pk`) or change one."""
    community = _types_community(request, code)
    kind = selectors.activity_type_get(user=request.user, community=community, pk=pk) if pk else None
    initial = (
        {
            "name": kind.name,
            "scenario": kind.scenario,
            "earning_rule": kind.earning_rule,
            "attendance_rule": kind.attendance_rule,
        }
        if kind
        else None
    )
    form = ActivityTypeForm(
        request.POST or None, initial=initial, earning_rules=ledger_selectors.earning_rules(community)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        confirm = data.pop("confirm")
        try:
            if kind is None:
                kind = services.activity_type_create(actor=request.user, community=community, **data)
            else:
                services.activity_type_update(actor=request.user, activity_type=kind, confirm=confirm, **data)
        except services.ConfirmNeeded as exc:
            form.ask_to_confirm(str(exc.message))
        except DomainError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("The type “%(name)s” is saved.") % {"name": kind.name})
            return redirect("volunteering:types", code=code)
    title = _("Change the type “%(name)s”") % {"name": kind.name} if kind else _("New type of activity")
    return render(request, "volunteering/form.html", {**_nav(request, community), "form": form, "title": title})


def _type_posted(request: HttpRequest, code: str, pk: int) -> ActivityType:
    community = _types_community(request, code)
    return selectors.activity_type_get(user=request.user, community=community, pk=pk)


activity_type_retire, activity_type_restore = retire_and_restore(
    _type_posted,
    lambda request, kind, active: services.activity_type_update(actor=request.user, activity_type=kind, active=active),
    retired=gettext_lazy("“%(name)s” is retired: activities that have it keep it, new ones cannot choose it."),
    restored=gettext_lazy("“%(name)s” is offered for new activities again."),
    back=lambda code, pk: reverse("volunteering:types", kwargs={"code": code}),
)


# --- clubs (community pages) ------------------------------------------------------------------------------


@login_required
def clubs(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    resident = _resident_in(request, community)
    mine = selectors.my_club_ids(resident=resident)
    return render(
        request,
        "volunteering/clubs.html",
        {
            **_nav(request, community),
            "clubs": selectors.clubs(community=community),
            "mine": mine,
            "resident": resident,
            "can_create": rules.can_create_club(request.user, community),
        },
    )


@login_required
def club_new(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not rules.can_create_club(request.user, community):
        raise NotAllowed(_("You may not register clubs in this community."))
    form = ClubForm(request.POST or None, community=community)
    return submit(
        request,
        form,
        lambda data: services.club_create(actor=request.user, community=community, **data),
        done=lambda club: _("The club %(name)s is registered.") % {"name": club.name},
        then=lambda club: reverse("volunteering:club", kwargs={"code": code, "pk": club.pk}),
    ) or render(request, "volunteering/form.html", {**_nav(request, community), "form": form, "title": _("New club")})


@login_required
def club_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    club = selectors.club_get(user=request.user, community=community, pk=pk)
    membership = selectors.club_membership_of(club=club, resident=_resident_in(request, community))
    return render(
        request,
        "volunteering/club.html",
        {
            **_nav(request, community),
            "club": club,
            "members": selectors.club_members(user=request.user, club=club),
            "can_see_members": rules.can_view_club_members(request.user, club),
            "membership": membership,
            "can_join": membership is None and club.open and _resident_in(request, community) is not None,
            "can_appoint": rules.can_appoint_club_leader(request.user, club),
            "can_book": rules.can_book_club_venue(request.user, club),
            "bookings": selectors.club_bookings_upcoming(club=club),
        },
    )


@login_required
@require_POST
def club_leave(request: HttpRequest, code: str, pk: int, member: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    club = selectors.club_get(user=request.user, community=community, pk=pk)
    found = selectors.club_member_get(user=request.user, club=club, pk=member)
    itself = rules.is_self(request.user, found.resident)
    return press(
        request,
        lambda _data: services.club_leave(actor=request.user, member=found),
        done=_("You have left %(club)s.") % {"club": club.name}
        if itself
        else _("%(name)s is no longer a member.") % {"name": found.resident.name},
        back=reverse("volunteering:club", kwargs={"code": code, "pk": club.pk}),
    )


@login_required
@require_POST
def club_leader(request: HttpRequest, code: str, pk: int, member: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    club = selectors.club_get(user=request.user, community=community, pk=pk)
    found = selectors.club_member_get(user=request.user, club=club, pk=member)
    back = reverse("volunteering:club", kwargs={"code": code, "pk": club.pk})
    choice = request.POST.get("leader", "")
    if choice not in ("0", "1"):
        messages.error(request, _("Choose whether this member leads the club."))
        return redirect(back)
    return press(
        request,
        lambda _data: services.club_set_leader(actor=request.user, member=found, leader=choice == "1"),
        done=lambda member: (
            (_("%(name)s now leads the club.") if member.leader else _("%(name)s no longer leads the club."))
            % {"name": member.resident.name}
        ),
        back=back,
    )


@login_required
def club_book(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    club = selectors.club_get(user=request.user, community=community, pk=pk)
    if not rules.can_book_club_venue(request.user, club):
        raise NotAllowed(_("Only the club's leaders book venues for it."))
    slots = selectors.venue_slots(community=community)
    form = BookVenueForm(request.POST or None, slots=slots)
    return submit(
        request,
        form,
        lambda data: services.club_book_venue(actor=request.user, club=club, slot=data["slot"]),
        done=_("The venue is booked for %(club)s.") % {"club": club.name},
        then=reverse("volunteering:club", kwargs={"code": code, "pk": club.pk}),
    ) or render(
        request,
        "volunteering/form.html",
        {
            **_nav(request, community),
            "form": form,
            "title": _("Book a venue for %(club)s") % {"club": club.name},
            "empty": None if slots.exists() else _("No room-booking slots are free in the next two weeks."),
        },
    )
