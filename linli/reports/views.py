"""Report pages: residents submit, follow, support, reopen and rate; staff work a queue, a map and SLA figures."""

import mimetypes
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from linli.accounts.models import User
from linli.accounts.selectors import account_find
from linli.core.buttons import button, press, submit
from linli.core.errors import DomainError, NotAllowed, NotFound
from linli.core.links import RowLinks
from linli.core.parsing import parse_id
from linli.core.retire import retire_and_restore
from linli.people import rules as people_rules
from linli.people.selectors import acting_for
from linli.places.models import Community
from linli.places.selectors import building_choices, community_get, community_get_public, grids_of

from . import pending, rules, selectors, services
from .forms import ApiKeyForm, AttributeForm, CategoryForm, NoteForm, RateForm, ReportForm
from .mapping import map_context
from .models import Category, Level, Report
from .open311.views import _attributes
from .photos import MAX_PHOTOS, CleanPhoto, photo_clean

STATUS_BADGE = {"resolved": "ok", "closed": "ok", "rejected": "bad", "duplicate": "bad"}


def _staff_community(request: HttpRequest, code: str) -> Community:
    community = community_get_public(code=code)
    if not rules.can_view_queue(request.user, community):
        raise NotAllowed(_("Only community staff see the work queue."))
    return community


def _home_building_id(me: Any, community: Community) -> int | None:
    """The building of the reporter's household in this community ("my home"), to preselect on the form."""
    household = getattr(me, "household", None) if me is not None else None
    building = getattr(household, "building", None)
    if building is None or building.community_id != community.pk:
        return None
    return int(building.pk)


def report_new(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get_public(code=code)
    guest = not request.user.is_authenticated
    me = people_rules.own_resident(request.user)
    home_id = _home_building_id(me, community)
    for_whom = [r for r in acting_for(user=request.user) if me and r.pk != me.pk and r.community_id == community.pk]
    form = ReportForm(
        request.POST or None,
        community=community,
        guest=guest,
        for_whom=for_whom,
        initial={"building": home_id} if home_id else None,
    )
    categories = list(selectors.categories_of(community=community))
    token = request.POST.get("pending_photos", "")
    kept = 0
    if request.method == "POST":
        uploads = request.FILES.getlist("photos")
        photos: list[CleanPhoto] = []
        photos_ok = True
        try:
            if len(uploads) > MAX_PHOTOS:
                raise DomainError(_("Attach at most %(n)s photos.") % {"n": MAX_PHOTOS}, field="photos")
            photos = [photo_clean(f, name=f.name or "") for f in uploads]
        except DomainError as exc:
            form.is_valid()
            form.add_error(None, str(exc.message))
            photos_ok = False
        if uploads:  # new photos replace the ones kept from a refused submit
            pending.pending_drop(request.session, token)
            token = ""
        else:
            photos = pending.pending_take(request.session, token)
        if photos_ok and form.is_valid():
            data = form.cleaned_data
            try:
                report = services.report_submit(
                    actor=request.user,
                    community=community,
                    category=data["category"],
                    description=data["description"],
                    lat=data.get("lat"),
                    lng=data.get("lng"),
                    building=data.get("building"),
                    address=data.get("address") or "",
                    attributes=_attributes(request.POST),
                    photos=photos,
                    guest_mobile=data.get("guest_mobile") or "",
                    on_behalf_of=next((r for r in for_whom if r.pk == data.get("on_behalf_of")), None),
                )
            except DomainError as exc:
                target = exc.field if exc.field in form.fields else None
                form.add_error(target, str(exc.message))
            else:
                pending.pending_drop(request.session, token)
                messages.success(
                    request, _("Thank you. Report #%(id)s was sent to the grid steward.") % {"id": report.pk}
                )
                return redirect("reports:detail", code=community.code, pk=report.pk)
        if photos and not token:
            token = pending.pending_keep(request.session, photos)
        kept = len(photos)
    grids = list(grids_of(community=community))
    buildings = building_choices(community=community)
    return render(
        request,
        "reports/report_new.html",
        {
            "community": community,
            "form": form,
            "categories": categories,
            "map": map_context(community, grids, [], buildings=buildings, home_id=home_id),
            "max_photos": MAX_PHOTOS,
            "pending_token": token if kept else "",
            "pending_count": kept,
            "answers": _attributes(request.POST) if request.method == "POST" else {},
        },
        status=400 if request.method == "POST" else 200,
    )


def nearby(request: HttpRequest, code: str) -> JsonResponse:
    """Open reports of the same category near the chosen place, so that a resident can support one."""
    community = community_get_public(code=code)

    def num(name: str) -> float | None:
        try:
            return float(request.GET[name])
        except (KeyError, ValueError):
            return None

    category = None
    if request.GET.get("category", "").isdigit():
        category = selectors.category_find(community=community, pk=parse_id(request.GET["category"]))
    building = request.GET.get("building", "")
    found = selectors.reports_nearby(
        community=community,
        category=category,
        lat=num("lat"),
        lng=num("lng"),
        building_id=int(building) if building.isdigit() else None,
    )
    return JsonResponse(
        {
            "reports": [
                {
                    "id": r.pk,
                    "category": r.category.name,
                    "description": r.description[:120],
                    "status": r.get_status_display(),
                    "supporters": r.supporters_count,
                    "distance_m": getattr(r, "distance_m", None),
                    "url": services.report_url(r),
                }
                for r in found
            ]
        }
    )


def report_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get_public(code=code)
    report = selectors.report_get(community=community, pk=pk)
    handler = rules.can_handle_report(request.user, report)
    events = selectors.report_events(user=request.user, report=report)
    now = timezone.now()
    assignees: list[User] = []
    if handler:
        assignees = list(selectors.assignees_of(community=community, roles=rules.ASSIGNEE_ROLES, limit=200))
    return render(
        request,
        "reports/report_detail.html",
        {
            "community": community,
            "report": report,
            "events": events,
            "photos": report.photos.all(),
            "answers": selectors.report_answers(report),
            "handler": handler,
            "why_not_handler": rules.why_not_handler(request.user, report),
            "is_reporter": rules.is_reporter(request.user, report),
            "see_reporter": rules.can_see_reporter(request.user, report),
            "can_support": rules.can_support_report(request.user, report) and report.is_open,
            "supported": selectors.has_supported(user=request.user, report=report),
            "can_reopen": rules.can_reopen_report(request.user, report) and report.can_reopen(now),
            "can_rate": rules.can_rate_report(request.user, report) and report.can_rate(),
            "note_form": NoteForm(),
            "rate_form": RateForm(),
            "assignees": assignees,
            "badge": STATUS_BADGE.get(report.status, ""),
            "level": Level(report.level).label,
        },
    )


# --- one view per action on a report: each calls its service, then shows "Saved." or the refusal ---------------


def _posted(request: HttpRequest, code: str, pk: int) -> Report:
    return selectors.report_get(community=community_get_public(code=code), pk=pk)


def _report_url(code: str, pk: int) -> str:
    return reverse("reports:detail", kwargs={"code": code, "pk": pk})


def _note(request: HttpRequest) -> str:
    return request.POST.get("note", "")


def _on_report(act: Callable[[HttpRequest, Report], object]) -> Callable[..., HttpResponse]:
    """A button of the report's page: `act(request, report)` calls the one service; the page says "Saved." or why
    not (who may do what is the service's to say)."""
    return button(
        _posted, lambda request, report, _data: act(request, report), done=gettext_lazy("Saved."), back=_report_url
    )


def _with_note(service: Callable[..., object]) -> Callable[..., HttpResponse]:
    return _on_report(lambda request, report: service(actor=request.user, report=report, note=_note(request)))


def _duplicate(request: HttpRequest, report: Report) -> object:
    try:
        original_id = parse_id(request.POST.get("original", ""), field="original")
    except NotFound:
        raise DomainError(_("Give the number of the original report."), field="original") from None
    original = selectors.report_get(community=report.community, pk=original_id)
    return services.report_mark_duplicate(actor=request.user, report=report, original=original, note=_note(request))


def _assign(request: HttpRequest, report: Report) -> object:
    posted = request.POST.get("assignee") or ""
    assignee = account_find(pk=int(posted)) if posted.isdigit() else None
    if assignee is None:
        raise DomainError(_("Choose whom to assign it to."), field="assignee")
    return services.report_assign(actor=request.user, report=report, assignee=assignee, note=_note(request))


def _rate(request: HttpRequest, report: Report) -> object:
    form = RateForm(request.POST)
    if not form.is_valid():
        raise DomainError(_("Choose from one to five stars."), field="rating")
    return services.report_rate(
        actor=request.user, report=report, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
    )


report_accept = _with_note(services.report_accept)
report_start = _with_note(services.report_start)
report_resolve = _with_note(services.report_resolve)
report_reject = _with_note(services.report_reject)
report_reopen = _with_note(services.report_reopen)
report_duplicate = _on_report(_duplicate)
report_assign = _on_report(_assign)
report_rate = _on_report(_rate)
report_support = _on_report(lambda request, report: services.report_support(actor=request.user, report=report))
report_note = _on_report(
    lambda request, report: services.report_add_note(
        actor=request.user, report=report, note=_note(request), public=request.POST.get("public") == "1"
    )
)


def photo(request: HttpRequest, code: str, pk: int, photo_id: int) -> FileResponse:
    item = selectors.report_photo_find(code=code, report_id=pk, pk=photo_id)
    if item is None:
        raise Http404
    response = FileResponse(
        item.image.open("rb"), content_type=mimetypes.guess_type(item.image.name)[0] or "image/jpeg"
    )
    response["Cache-Control"] = "public, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def my_reports(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.reports_of_user(user=request.user), 30).get_page(request.GET.get("page"))
    from linli.places.selectors import communities_visible_to

    communities = list(communities_visible_to(request.user))
    staff_ids = {c.pk for c in communities if rules.can_view_queue(request.user, c)}
    return render(
        request,
        "reports/my_reports.html",
        {"page": page, "communities": communities, "staff_ids": staff_ids, "badges": STATUS_BADGE},
    )


def queue_rows(reports: Any, community: Community) -> None:
    """Each row's link, short description, status and level names and due time, worded once per page rather than
    by a template tag per row (a page lists 50)."""
    links = RowLinks()
    statuses, levels = dict(Report.Status.choices), dict(Level.choices)
    for r in reports:
        r.url = links("reports:detail", community.code, r.pk)
        r.summary = r.description if len(r.description) <= 60 else f"{r.description[:59]}…"
        r.status_label, r.level_label = str(statuses.get(r.status, r.status)), str(levels.get(r.level, r.level))
        r.due_label = f"{timezone.localtime(r.due_at):%m-%d %H:%M}" if r.due_at else "—"


@login_required
def queue(request: HttpRequest, code: str) -> HttpResponse:
    community = _staff_community(request, code)
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("report") if i.isdigit()]
        assignee_id = request.POST.get("assignee", "")
        assignee = account_find(pk=int(assignee_id)) if assignee_id.isdigit() else None

        def assign(_data: object) -> int:
            if assignee is None or not ids:
                raise DomainError(_("Tick reports and choose whom to assign them to."))
            return services.reports_assign_bulk(
                actor=request.user, community=community, report_ids=ids, assignee=assignee
            )

        return press(
            request,
            assign,
            done=lambda n: _("%(n)s reports assigned.") % {"n": n},
            back=request.get_full_path(),
        )
    level = request.GET.get("level", "")
    filters = selectors.QueueFilter(
        status=request.GET.get("status", "open"),
        category=request.GET.get("category", ""),
        grid=request.GET.get("grid", ""),
        mine=request.GET.get("mine") == "1",
        overdue=request.GET.get("overdue") == "1",
        level=int(level) if level.isdigit() else None,
        q=request.GET.get("q", "").strip()[:100],
    )
    qs = selectors.reports_queue_rows(user=request.user, community=community, filters=filters)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    queue_rows(page.object_list, community)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "reports/queue.html",
        {
            "community": community,
            "page": page,
            "filters": filters,
            "statuses": Report.Status.choices,
            "categories": selectors.category_choices(community=community),
            "grids": selectors.grid_choices(community=community),
            "levels": Level.choices,
            "assignees": selectors.assignees_of(
                community=community, roles=("grid_steward", "social_worker", "community_admin")
            ),
            "can_assign": rules.can_assign_reports(request.user, community),
            "can_configure": rules.can_configure_reports(request.user, community),
            "querystring": params.urlencode(),
            "badges": STATUS_BADGE,
            "now": timezone.now(),
        },
    )


STATUS_COLOUR = {"submitted": "#d7263d", "accepted": "#f46036", "in_progress": "#e2b007"}


@login_required
def report_map(request: HttpRequest, code: str) -> HttpResponse:
    community = _staff_community(request, code)
    reports = selectors.reports_on_map(user=request.user, community=community)
    markers: list[dict[str, Any]] = [
        {
            "lng": r.lng,
            "lat": r.lat,
            "report": r,
            "colour": STATUS_COLOUR.get(r.status, "#555"),
            "url": services.report_url(r),
        }
        for r in reports
    ]
    return render(
        request,
        "reports/map.html",
        {
            "community": community,
            "map": map_context(community, list(grids_of(community=community)), markers),
            "legend": [(Report.Status(s).label, c) for s, c in STATUS_COLOUR.items()],
            "count": len(reports),
            "can_configure": rules.can_configure_reports(request.user, community),
        },
    )


@login_required
def sla(request: HttpRequest, code: str) -> HttpResponse:
    community = _staff_community(request, code)
    days = request.GET.get("days", "90")
    days_n = int(days) if days.isdigit() and 1 <= int(days) <= 366 else 90
    figures = selectors.sla_figures(user=request.user, community=community, days=days_n)
    return render(
        request,
        "reports/sla.html",
        {
            "community": community,
            "f": figures,
            "days": days_n,
            "can_configure": rules.can_configure_reports(request.user, community),
        },
    )


@login_required
def api_keys(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not rules.can_configure_reports(request.user, community):
        raise NotAllowed(_("Only community admins manage Open311 API keys."))
    form = ApiKeyForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _client, new_key = services.api_client_issue(
                actor=request.user,
                community=community,
                name=form.cleaned_data["name"],
                requests_per_hour=form.cleaned_data["requests_per_hour"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            form = ApiKeyForm()
    return render(
        request,
        "reports/api_keys.html",
        {
            "community": community,
            "form": form,
            "new_key": new_key,
            "clients": selectors.api_clients_of(user=request.user, community=community),
            "endpoint": request.build_absolute_uri("/open311/v2/"),
            "can_configure": True,
        },
    )


def _api_key(request: HttpRequest, code: str, pk: str) -> Any:
    community = community_get(code=code, user=request.user)
    if not rules.can_configure_reports(request.user, community):
        raise NotAllowed(_("Only community admins manage Open311 API keys."))
    return selectors.api_client_get(user=request.user, community=community, pk=parse_id(pk))


api_key_revoke = button(
    _api_key,
    lambda request, client, _data: services.api_client_revoke(actor=request.user, client=client),
    done=gettext_lazy("The key was revoked."),
    back=lambda code, pk: reverse("reports:keys", kwargs={"code": code}),
)


# --- setting up the community's categories (community admins) -------------------------------------------


def _setup_community(request: HttpRequest, code: str) -> Community:
    community = community_get(code=code, user=request.user)
    if not rules.can_configure_reports(request.user, community):
        raise NotAllowed(_("Only community admins set up report categories."))
    return community


def _category_form(request: HttpRequest, community: Community, **kwargs: Any) -> CategoryForm:
    return CategoryForm(
        request.POST or None,
        grids=grids_of(community=community),
        assignees=selectors.assignees_of(community=community, roles=rules.ASSIGNEE_ROLES),
        **kwargs,
    )


def _setup_saved(
    request: HttpRequest,
    form: CategoryForm | AttributeForm,
    save: Callable[[dict[str, Any]], Any],
    *,
    done: str | Callable[[Any], str],
    then: Callable[[Any], str],
) -> HttpResponse | None:
    """`submit` of a set-up form with the values as the service takes them; a refusal of a question's `values`
    stands on the form's `choices`."""

    def call(_cleaned: dict[str, Any]) -> Any:
        try:
            return save(form.service_data())
        except DomainError as exc:
            if exc.field == "values":
                exc.field = "choices"
            raise

    return submit(request, form, call, done=done, then=then)


def _category_url(community: Community, category: Category) -> str:
    return reverse("reports:category", kwargs={"code": community.code, "pk": category.pk})


@login_required
def categories(request: HttpRequest, code: str) -> HttpResponse:
    community = _setup_community(request, code)
    return render(
        request,
        "reports/categories.html",
        {
            "community": community,
            "categories": selectors.categories_to_set_up(user=request.user, community=community),
            "can_configure": True,
        },
    )


@login_required
def category_new(request: HttpRequest, code: str) -> HttpResponse:
    community = _setup_community(request, code)
    form = _category_form(request, community)
    saved = _setup_saved(
        request,
        form,
        lambda data: services.category_create(actor=request.user, community=community, **data),
        done=lambda category: _("Category “%(name)s” added.") % {"name": category.name},
        then=lambda category: _category_url(community, category),
    )
    return saved or render(
        request,
        "reports/category_form.html",
        {"community": community, "form": form, "title": _("Add a report category")},
    )


@login_required
def category_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = _setup_community(request, code)
    category = selectors.category_to_set_up(user=request.user, community=community, pk=pk)
    form = _category_form(request, community, editing=True, initial=CategoryForm.initial_of(category))
    saved = _setup_saved(
        request,
        form,
        lambda data: services.category_update(actor=request.user, category=category, **data),
        done=_("Saved. The new time limits apply to reports made from now on."),
        then=lambda _result: _category_url(community, category),
    )
    return saved or render(
        request,
        "reports/category_form.html",
        {
            "community": community,
            "form": form,
            "category": category,
            "title": category.name,
        },
    )


def _category_posted(request: HttpRequest, code: str, pk: int) -> Category:
    community = _setup_community(request, code)
    return selectors.category_to_set_up(user=request.user, community=community, pk=pk)


category_retire, category_restore = retire_and_restore(
    _category_posted,
    lambda request, category, active: services.category_set_active(
        actor=request.user, category=category, active=active
    ),
    retired=gettext_lazy("“%(name)s” is retired: no new reports; open ones go on."),
    restored=gettext_lazy("Residents can report in “%(name)s” again."),
    back=lambda code, pk: reverse("reports:category", kwargs={"code": code, "pk": pk}),
)


@login_required
def attribute_edit(request: HttpRequest, code: str, pk: int, attribute_pk: int | None = None) -> HttpResponse:
    community = _setup_community(request, code)
    category = selectors.category_to_set_up(user=request.user, community=community, pk=pk)
    attribute = selectors.category_attribute_to_set_up(category=category, pk=attribute_pk) if attribute_pk else None
    initial = AttributeForm.initial_of(attribute) if attribute else None
    form = AttributeForm(request.POST or None, editing=attribute is not None, initial=initial)
    saved = _setup_saved(
        request,
        form,
        lambda data: (
            services.category_attribute_add(actor=request.user, category=category, **data)
            if attribute is None
            else services.category_attribute_update(actor=request.user, attribute=attribute, **data)
        ),
        done=_("The question was saved."),
        then=lambda _result: _category_url(community, category),
    )
    return saved or render(
        request,
        "reports/attribute_form.html",
        {"community": community, "category": category, "attribute": attribute, "form": form},
    )


@login_required
@require_POST
def attribute_remove(request: HttpRequest, code: str, pk: int, attribute_pk: int) -> HttpResponse:
    community = _setup_community(request, code)
    category = selectors.category_to_set_up(user=request.user, community=community, pk=pk)
    attribute = selectors.category_attribute_to_set_up(category=category, pk=attribute_pk)
    services.category_attribute_remove(actor=request.user, attribute=attribute)
    messages.success(request, _("The question was removed; answers already given stay on their reports."))
    return redirect("reports:category", code=community.code, pk=category.pk)
