from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from linli.accounts import rules
from linli.accounts.services import user_set_preferences
from linli.core.cookies import elder_cookie_set
from linli.core.scenarios import Scenario
from linli.notices.selectors import my_unread
from linli.people.selectors import resident_of_user
from linli.places import selectors as places


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.headers.get("referer") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return "/"
    return target


def home(request: HttpRequest) -> HttpResponse:
    resident = resident_of_user(user=request.user)
    communities = places.communities_visible_to(request.user) if request.user.is_authenticated else []
    return render(
        request,
        "home/home.html",
        {
            "resident": resident,
            "unread_notices": my_unread(user=request.user),
            "scenarios": Scenario.choices,
            "my_communities": communities,
            "is_staff": rules.is_staff_anywhere(request.user),
        },
    )


@require_POST
def elder_mode_toggle(request: HttpRequest) -> HttpResponse:
    on = request.POST.get("on") == "1"
    response = HttpResponseRedirect(_next_url(request))
    elder_cookie_set(response, on)
    if request.user.is_authenticated:
        user_set_preferences(user=request.user, elder_mode=on)
    return response


def community_list(request: HttpRequest) -> HttpResponse:
    return render(request, "home/community_list.html", {"communities": places.community_list_public()})


def community_detail(request: HttpRequest, code: str) -> HttpResponse:
    community = places.community_get_public(code=code)
    return render(
        request,
        "home/community_detail.html",
        {
            "community": community,
            "can_view": rules.can_view_community(request.user, community),
            "is_staff": rules.is_community_staff(request.user, community),
            "neighbourhoods": community.neighbourhoods.all(),
        },
    )


def data_credits(request: HttpRequest) -> HttpResponse:
    return render(request, "home/data_credits.html")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """My page: my resident record and my roles."""
    return render(
        request,
        "accounts/profile.html",
        {
            "resident": resident_of_user(user=request.user),
            "roles": request.user.roles.select_related("community", "street"),  # type: ignore[union-attr]
        },
    )
