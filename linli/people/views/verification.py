"""实名核验 (an account verifies it is a resident on the register) and staff's sign-up invitations."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from linli.accounts import rules as base
from linli.core import throttle
from linli.core.errors import DomainError, NotAllowed
from linli.places.models import Community
from linli.places.selectors import community_get

from .. import invitation_selectors, rules, services
from ..selectors import resident_of_user
from ..signup_forms import InvitationForm, VerifyForm


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """Name and ID number, matched against the register; on a match the account is the resident's."""
    resident = resident_of_user(user=request.user)
    form = VerifyForm(request.POST or None)
    if resident is None and request.method == "POST" and form.is_valid():
        try:
            resident = services.resident_verify(
                actor=request.user, address=throttle.client_address(request), **form.cleaned_data
            )
        except DomainError as exc:
            exc.show_on(form)
        else:
            messages.success(
                request,
                _("Verified: welcome, %(name)s of %(community)s.")
                % {"name": resident.name, "community": resident.community.name},
            )
            return redirect("home:home")
    return render(request, "people/verify.html", {"form": form, "resident": resident})


def _invitation_form(request: HttpRequest, community: Community, data: Any) -> InvitationForm:
    return InvitationForm(data, community=community, show_tags=base.can_view_sensitive_tags(request.user, community))


@login_required
def invitations(request: HttpRequest, code: str) -> HttpResponse:
    """Pick a building or a tag, see who would get an SMS, then send."""
    community = community_get(code=code, user=request.user)
    if not rules.can_invite_residents(request.user, community):
        raise NotAllowed(_("You may not invite this community's residents."))
    data = request.POST if request.method == "POST" else (request.GET if request.GET else None)
    form = _invitation_form(request, community, data)
    preview = audience = None
    if form.is_bound and form.is_valid():
        building, tag = form.cleaned_data["building"], form.cleaned_data.get("tag")
        try:
            audience = invitation_selectors.audience_get(
                user=request.user,
                community=community,
                building_id=building.pk if building else None,
                tag=tag.code if tag else "",
            )
            if request.method == "POST":
                sent = services.invitations_send(actor=request.user, community=community, audience=audience)
                messages.success(
                    request,
                    ngettext(
                        "%(n)d invitation is on its way by SMS.",
                        "%(n)d invitations are on their way by SMS.",
                        len(sent),
                    )
                    % {"n": len(sent)},
                )
                return redirect("people:invitation_activation", code=community.code)
            preview = invitation_selectors.invitation_preview(user=request.user, community=community, audience=audience)
        except DomainError as exc:
            exc.show_on(form)
    return render(
        request,
        "people/invitations.html",
        {"community": community, "form": form, "preview": preview, "audience": audience},
    )


@login_required
def invitation_activation(request: HttpRequest, code: str) -> HttpResponse:
    """Per building: invited, activated (verified an account), accounts in all."""
    community = community_get(code=code, user=request.user)
    rows = invitation_selectors.invitation_activation(user=request.user, community=community)
    totals = {key: sum(getattr(r, key) for r in rows) for key in ("residents", "invited", "activated", "with_account")}
    return render(
        request, "people/invitation_activation.html", {"community": community, "rows": rows, "totals": totals}
    )
