"""Family helpers' pages (我的亲情账号): ask to help an elder, send the consent code and enter it, agree as the elder,
end a link; and the staff page where a social worker confirms consent given in person."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from linli.core.buttons import local_next, press
from linli.core.errors import DomainError
from linli.places.selectors import buildings_by_name, community_get

from .. import rules, selectors, services
from ..forms import FamilyCodeForm, FamilyFindForm, FamilyHouseholdForm
from ..models import FamilyLink


def _building_choices(request: HttpRequest) -> list[tuple[int, str]]:
    me = rules.own_resident(request.user)
    if me is None:
        return []
    return [(b.pk, str(b)) for b in buildings_by_name(community=me.community)]


def _family_page(
    request: HttpRequest,
    *,
    household_form: FamilyHouseholdForm | None = None,
    find_form: FamilyFindForm | None = None,
) -> HttpResponse:
    helping, helped = selectors.family_links_of_user(user=request.user)
    return render(
        request,
        "people/family_mine.html",
        {
            "me": rules.own_resident(request.user),
            "can_request": rules.can_request_family_link(request.user),
            "helping": helping,
            "helped": helped,
            "household_form": household_form or _household_form(request, None),
            "find_form": find_form or _find_form(request, None),
            "code_form": FamilyCodeForm(),
        },
    )


def _household_form(request: HttpRequest, data: Any) -> FamilyHouseholdForm:
    return FamilyHouseholdForm(data, members=selectors.family_elder_choices(user=request.user), prefix="household")


def _find_form(request: HttpRequest, data: Any) -> FamilyFindForm:
    return FamilyFindForm(data, buildings=_building_choices(request), prefix="find")


def _asked(link: FamilyLink) -> str:
    return _("Asked to help %(name)s. Now send a code to their mobile, or ask a social worker to confirm.") % {
        "name": link.elder.name
    }


@login_required
@require_safe
def family_mine(request: HttpRequest) -> HttpResponse:
    """Links I help with, links that help me, and the two ways to ask (household, or a relative found by details)."""
    return _family_page(request)


@login_required
@require_POST
def family_ask_household(request: HttpRequest) -> HttpResponse:
    """Ask to help an elder of my own household."""

    def ask(data: dict[str, Any]) -> FamilyLink:
        elder = selectors.resident_to_act_for(user=request.user, pk=data["elder"])
        return services.family_link_request(actor=request.user, elder=elder, relation=data["relation"])

    return press(
        request,
        ask,
        done=_asked,
        back=reverse("people:family"),
        form=_household_form(request, request.POST),
        again=lambda form: _family_page(request, household_form=form),  # type: ignore[arg-type]
    )


@login_required
@require_POST
def family_ask_find(request: HttpRequest) -> HttpResponse:
    """Ask to help a relative elsewhere in the community, found by name, building, room and mobile."""
    return press(
        request,
        lambda data: services.family_link_request_found(
            actor=request.user,
            name=data["name"],
            building_id=data["building"],
            room=data["room"],
            mobile_last4=data["mobile_last4"],
            relation=data["relation"],
        ),
        done=_asked,
        back=reverse("people:family"),
        form=_find_form(request, request.POST),
        again=lambda form: _family_page(request, find_form=form),  # type: ignore[arg-type]
    )


def _link_button(
    act: Callable[[HttpRequest, FamilyLink], object], said: Callable[[FamilyLink], str]
) -> Callable[..., HttpResponse]:
    """A button on one family link: `act(request, link)` calls the one service, `said(link)` is the message; then
    back to the page the button was on (a local `next`) or to 我的亲情账号. A refusal is a message there."""

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        link = selectors.family_link_get(user=request.user, pk=pk)
        back = local_next(request, reverse("people:family"))
        return press(request, lambda _data: act(request, link), done=lambda _result: said(link), back=back)

    return view


def _confirm_code(request: HttpRequest, link: FamilyLink) -> object:
    form = FamilyCodeForm(request.POST)
    if not form.is_valid():
        raise DomainError(str(form.errors["code"][0]))
    return services.family_link_confirm_code(actor=request.user, link=link, code=form.cleaned_data["code"])


family_send_code = _link_button(
    lambda request, link: services.family_link_send_code(actor=request.user, link=link),
    lambda link: _("A code was sent to %(name)s's mobile. Ask them for it.") % {"name": link.elder.name},
)
family_confirm_code = _link_button(
    _confirm_code, lambda link: _("You now help %(name)s as family.") % {"name": link.elder.name}
)
family_consent = _link_button(
    lambda request, link: services.family_link_consent(actor=request.user, link=link),
    lambda link: _("%(name)s can now act for you.") % {"name": link.helper.name},
)
family_confirm_in_person = _link_button(
    lambda request, link: services.family_link_confirm_in_person(actor=request.user, link=link),
    lambda link: (
        _("Consent confirmed in person: %(helper)s now helps %(elder)s.")
        % {"helper": link.helper.name, "elder": link.elder.name}
    ),
)
family_end = _link_button(
    lambda request, link: services.family_link_end(actor=request.user, link=link),
    lambda link: _("The family link has ended."),
)


@login_required
def family_links(request: HttpRequest, code: str) -> HttpResponse:
    """Staff: the community's family links, waiting ones first to confirm in person; filter by status or elder."""
    community = community_get(code=code, user=request.user)
    status = request.GET.get("status", "")
    status = status if status in FamilyLink.Status.values else ""
    elder = request.GET.get("elder", "")
    links = selectors.family_links_of_community(
        user=request.user,
        community=community,
        status=status,
        elder_id=int(elder) if elder.isascii() and elder.isdigit() else None,
    )
    return render(
        request,
        "people/family_links.html",
        {
            "community": community,
            "links": links[:200],
            "status": status,
            "statuses": FamilyLink.Status.choices,
            "can_confirm": rules.can_confirm_family_link_in_person(request.user, community),
        },
    )
