"""Childcare pages: parents see the groups and apply for a child; staff admit or decline."""

import datetime as dt
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

from linli.core.buttons import button, buttons_on, submit
from linli.core.errors import DomainError, NotAllowed
from linli.core.parsing import parse_date, parse_id
from linli.facilities import rules
from linli.facilities.money import fen_to_yuan, yuan_to_fen
from linli.facilities.selectors import household_of, resident_for_booking
from linli.places.selectors import community_get

from . import selectors, services
from .forms import GroupForm
from .models import AgeGroup, Application


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
            "can_set_up": rules.can_manage_register(request.user, community),
            "mine": selectors.applications_of_user_here(user=request.user, community=community),
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


def _application_posted(request: HttpRequest, code: str, pk: int) -> Application:
    community = community_get(code=code, user=request.user)
    return selectors.application_get(user=request.user, community=community, pk=pk)


def _applications_url(code: str, pk: int) -> str:
    return reverse("childcare:applications", kwargs={"code": code})


admit = buttons_on(_application_posted, name="application", back=_applications_url)(
    services.application_admit, gettext_lazy("Decision recorded.")
)
decline = button(
    _application_posted,
    lambda request, application, _data: services.application_decline(
        actor=request.user, application=application, reason=request.POST.get("reason", "")
    ),
    done=gettext_lazy("Decision recorded."),
    back=_applications_url,
)


def _own_application_posted(request: HttpRequest, code: str, pk: int) -> Application:
    community = community_get(code=code, user=request.user)
    return selectors.own_application_get(user=request.user, community=community, pk=pk)


# a parent (or family helper) withdraws an application; an admitted child's place is freed
withdraw = buttons_on(
    _own_application_posted, name="application", back=lambda **_url: reverse("facilities:mine"), follow_next=True
)(services.application_withdraw, gettext_lazy("Application withdrawn."))


# --- set-up: groups and places -----------------------------------------------------------------------------------


@login_required
def setup(request: HttpRequest, code: str) -> HttpResponse:
    """托育设置: the community's age groups with their places, fee, where and whether they take applications."""
    community = community_get(code=code, user=request.user)
    groups = selectors.setup_groups(user=request.user, community=community)
    return render(request, "childcare/setup.html", {"community": community, "groups": groups})


def _group_page(request: HttpRequest, community: Any, group: AgeGroup | None) -> HttpResponse:
    facilities = selectors.childcare_facilities(user=request.user, community=community)
    initial: dict[str, Any] = {}
    if group is not None:
        initial = {
            "facility": group.facility_id,
            "name": group.name,
            "min_months": group.min_months,
            "max_months": group.max_months,
            "places": group.places,
            "monthly_fee": fen_to_yuan(group.monthly_fee_fen),
            "open": group.open,
        }
    form = GroupForm(request.POST or None, initial=initial, facilities=facilities)

    def save(data: dict[str, Any]) -> AgeGroup:
        data = dict(data)
        data["monthly_fee_fen"] = yuan_to_fen(data.pop("monthly_fee"))
        if group is None:
            return services.group_create(actor=request.user, **data)
        return services.group_update(actor=request.user, group=group, **data)

    saved = submit(
        request, form, save, done=_("Childcare group saved."), then=reverse("childcare:setup", args=[community.code])
    )
    if saved is not None:
        return saved
    title = _("New childcare group") if group is None else _("Change the childcare group")
    return render(request, "facilities/form.html", {"community": community, "form": form, "title": title})


@login_required
def group_new(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not rules.can_manage_register(request.user, community):
        raise NotAllowed(_("You may not change this community's services."))
    return _group_page(request, community, None)


@login_required
def group_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    group = selectors.setup_group_get(user=request.user, community=community, pk=pk)
    return _group_page(request, community, group)
