"""Childcare pages: parents see the groups and apply for a child; staff admit or decline."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.errors import DomainError
from linli.core.parsing import parse_date, parse_id
from linli.facilities import rules
from linli.facilities.selectors import household_of, resident_for_booking
from linli.places.selectors import community_get

from . import selectors, services


@login_required
def groups(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    today = timezone.localdate()
    children = [m for m in household_of(user=request.user) if m.age(today) < 3]
    return render(
        request,
        "childcare/groups.html",
        {
            "community": community,
            "groups": selectors.groups_for(user=request.user, community=community),
            "children": children,
            "start": today + dt.timedelta(days=14),
            "is_staff": rules.can_run_front_desk(request.user, community),
        },
    )


@login_required
@require_POST
def apply(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    group = selectors.group_get(user=request.user, community=community, pk=pk)
    try:
        child = resident_for_booking(user=request.user, community=community, pk=parse_id(request.POST.get("child", "")))
        start_on = parse_date(request.POST.get("start_on"), field="start_on")
        services.application_submit(
            actor=request.user, group=group, child=child, start_on=start_on, note=request.POST.get("note", "")
        )
    except (DomainError, ValueError) as exc:
        messages.error(request, str(getattr(exc, "message", _("Choose a child and a start date."))))
        return redirect("childcare:groups", code=code)
    messages.success(request, _("Application sent. The community will contact you."))
    return redirect("facilities:mine")


@login_required
def applications(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    rows = selectors.application_queue(user=request.user, community=community)
    return render(request, "childcare/applications.html", {"community": community, "applications": rows})


@login_required
@require_POST
def decide(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    application = selectors.application_get(user=request.user, community=community, pk=pk)
    try:
        if request.POST.get("decision") == "admit":
            services.application_admit(actor=request.user, application=application)
        else:
            services.application_decline(
                actor=request.user, application=application, reason=request.POST.get("reason", "")
            )
        messages.success(request, _("Decision recorded."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("childcare:applications", code=code)
