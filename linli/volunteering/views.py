"""Pages for volunteers and organisers: parse, check the rule, call one service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.errors import DomainError, NotFound
from linli.people.selectors import resident_of_user

from . import codes, rules, selectors, services
from .certificates import certificate_pdf, qr_svg


def _resident(request: HttpRequest):  # type: ignore[no-untyped-def]
    resident = resident_of_user(user=request.user)
    if resident is None:
        raise NotFound(_("Your account is not linked to a resident of a community yet."))
    return resident


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
            "code": request.GET.get("code", "")[:6],
        },
    )


def _act(request: HttpRequest, pk: int, do) -> HttpResponse:  # type: ignore[no-untyped-def]
    activity = selectors.activity_for_user(user=request.user, pk=pk)
    try:
        message = do(activity)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, message)
    return redirect("volunteering:activity", pk=activity.pk)


@login_required
@require_POST
def signup(request: HttpRequest, pk: int) -> HttpResponse:
    def do(activity):  # type: ignore[no-untyped-def]
        made = services.signup_create(actor=request.user, activity=activity, resident=_resident(request))
        return (
            _("You are signed up.")
            if made.status == "confirmed"
            else _("The activity is full: you are on the waiting list.")
        )

    return _act(request, pk, do)


@login_required
@require_POST
def signup_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    def do(activity):  # type: ignore[no-untyped-def]
        mine = selectors.signup_of(activity=activity, resident=_resident(request))
        if mine is None:
            raise NotFound(_("No such sign-up."))
        services.signup_cancel(actor=request.user, signup=mine)
        return _("Your sign-up is withdrawn.")

    return _act(request, pk, do)


@login_required
@require_POST
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    def do(activity):  # type: ignore[no-untyped-def]
        services.check_in(
            actor=request.user, activity=activity, resident=_resident(request), code=request.POST.get("code", "")
        )
        return _("Checked in. Your hours are waiting for the organiser's confirmation.")

    return _act(request, pk, do)


@login_required
def run(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_for_user(user=request.user, pk=pk)
    roster = selectors.roster(user=request.user, activity=activity)
    now = timezone.now()
    code = codes.current_code(activity, now)
    url = request.build_absolute_uri(reverse("volunteering:activity", args=[activity.pk])) + f"?code={code}"
    return render(
        request,
        "volunteering/run.html",
        {"activity": activity, "roster": roster, "code": code, "qr": qr_svg(url), "seconds": codes.seconds_left(now)},
    )


@login_required
@require_POST
def record_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.record_get(user=request.user, pk=pk)
    raw = request.POST.get("minutes", "").strip()
    try:
        minutes = int(raw) if raw else None
    except ValueError:
        messages.error(request, _("Enter the minutes as a whole number."))
        return redirect("volunteering:run", pk=record.activity_id)
    try:
        done = services.record_confirm(actor=request.user, record=record, minutes=minutes)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("%(name)s: %(h)s hours confirmed, %(p)s points.")
            % {"name": done.resident.name, "h": done.hours, "p": done.points},
        )
    return redirect("volunteering:run", pk=record.activity_id)


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
    response = HttpResponse(certificate_pdf(cert, verify_url=verify), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="volunteer-{year}-{cert.serial}.pdf"'
    return response


def verify(request: HttpRequest, serial: str) -> HttpResponse:
    """Anyone holding a certificate can check it is genuine (name shown masked)."""
    from .models import Certificate

    cert = Certificate.objects.filter(serial=serial.upper()[:32]).select_related("resident", "community").first()
    if cert is None:
        raise NotFound(_("No certificate with this serial number."))
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
    try:
        services.club_join(actor=request.user, club=club, resident=resident, now=timezone.now())
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Welcome to %(club)s.") % {"club": club.name})
    return redirect("volunteering:home")
