from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.accounts import rules
from linli.accounts.services import user_set_preferences
from linli.care import selectors as care
from linli.core.cookies import elder_cookie_set
from linli.core.errors import DomainError, NotAllowed
from linli.core.file_responses import file_response
from linli.core.scenarios import Scenario
from linli.ledger.selectors import merchants_of_user, resident_balances
from linli.notices.selectors import my_unread
from linli.people import services as people_services
from linli.people.access import needs_verification
from linli.people.forms import DeletionRequestForm
from linli.people.rules import can_invite_residents
from linli.people.selectors import acting_for, data_requests_of, resident_of_user
from linli.places import rules as place_rules
from linli.places import selectors as places
from linli.surveys import rules as survey_rules
from linli.surveys.selectors import open_surveys_for

from . import personal_data
from . import workbench as bench
from .selectors import due_today, roles_of


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.headers.get("referer") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return "/"
    return target


def home(request: HttpRequest) -> HttpResponse:
    """The resident's home: big tiles for everyday services, unread notices and today's plans on top.
    Staff without a resident record see their work list instead of the tiles."""
    resident = resident_of_user(user=request.user)
    active = resident is not None and not resident.has_moved_out
    is_staff = rules.is_staff_anywhere(request.user)
    communities = places.communities_visible_to(request.user) if is_staff else []  # listed for staff only
    members = acting_for(user=request.user) if request.user.is_authenticated else []  # once, for the lists below
    return render(
        request,
        "home/home.html",
        {
            "resident": resident,
            "active": active,
            "balances": resident_balances(resident) if resident is not None and active else None,
            "due": due_today(user=request.user, members=members),
            "unread_notices": my_unread(user=request.user),
            "open_surveys": open_surveys_for(user=request.user, members=members)[:5],
            "scenarios": Scenario.choices,
            "my_communities": communities,
            "is_staff": is_staff,
            "needs_verification": needs_verification(request.user),
            "sets_up_streets": place_rules.can_set_up_any_street(request.user),
            "waste_rounds": bench.waste_rounds_of(request.user),
        },
    )


def start(request: HttpRequest) -> HttpResponse:
    """Where a login lands: staff on their workbench, everyone else on the home."""
    if request.user.is_authenticated and bench.has_workbench(request.user):
        return redirect("home:workbench")
    return redirect("home:home")


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    """The staff workbench (工作台): what waits for each role the user holds, each item a link."""
    if not bench.has_workbench(request.user):
        raise NotAllowed(_("The workbench is for community, street and city staff. Residents start on the home page."))
    return render(request, "home/workbench.html", {"sections": bench.workbench_for(request.user)})


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
            "can_invite": can_invite_residents(request.user, community),
            "can_set_up": place_rules.can_set_up_community(request.user, community),
            "neighbourhoods": community.neighbourhoods.all(),
            "care_overdue": care.overdue_count(user=request.user, community=community),
            "oversees": rules.oversees(request.user, community)
            and not rules.is_community_staff(request.user, community),
            "can_survey": survey_rules.can_write_for_community(request.user, community),
        },
    )


# --- installable: manifest, service worker, offline page ---------------------------------------------------------

# Raise it when the offline page or the files it keeps change: browsers then install the new worker.
SERVICE_WORKER_VERSION = "linli-offline-1"


def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: installed on a phone's home screen, Linli opens like an app."""
    response = JsonResponse(
        {
            "name": _("Linli · Future Community"),
            "short_name": _("Linli"),
            "lang": request.LANGUAGE_CODE,
            "start_url": reverse("home:start"),
            "scope": "/",
            "display": "standalone",
            "background_color": "#faf8f5",
            "theme_color": "#c8402a",
            "icons": [
                {"src": static("linli/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("linli/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
                {
                    "src": static("linli/icons/icon-512-maskable.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                    "purpose": "maskable",
                },
            ],
        },
        json_dumps_params={"ensure_ascii": False},
        content_type="application/manifest+json",
    )
    return response


def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from the site's root so that it may answer for every page; it only steps in when the network fails."""
    response = render(
        request,
        "home/sw.js",
        {"offline_url": reverse("home:offline"), "version": SERVICE_WORKER_VERSION},
        content_type="application/javascript",
    )
    response["Cache-Control"] = "no-cache"
    return response


def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "home/offline.html")


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
            "roles": roles_of(user=request.user),
            "shops": merchants_of_user(request.user),
        },
    )


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """My personal data: download a copy (Excel or JSON), ask for deletion, see what became of my requests."""
    form = DeletionRequestForm(request.POST or None)
    resident = resident_of_user(user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            people_services.data_deletion_request(actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("Your request is sent. The community will answer within 15 working days."))
            return redirect("home:my_data")
    return render(
        request,
        "home/my_data.html",
        {
            "resident": resident,
            "form": form,
            "requests": data_requests_of(user=request.user)[:50],
        },
        status=400 if form.errors else 200,
    )


@login_required
def my_data_download(request: HttpRequest, fmt: str) -> HttpResponse:
    sections = personal_data.personal_data(user=request.user)
    if resident_of_user(user=request.user) is not None:
        people_services.data_export_record(actor=request.user)
    stamp = timezone.localdate().isoformat()
    if fmt == "json":
        as_json = JsonResponse(personal_data.as_json(sections), json_dumps_params={"ensure_ascii": False})
        as_json["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.json"'
        return as_json
    return file_response(personal_data.as_workbook(sections), filename=f"my-data-{stamp}.xlsx")
