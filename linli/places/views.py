"""Staff pages to set up streets and communities. Thin: a form, a service, a message, a redirect."""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from linli.accounts import services as account_services
from linli.accounts.models import Role
from linli.core.buttons import press, submit
from linli.core.errors import DomainError, NotAllowed
from linli.core.parsing import parse_id
from linli.core.uploads import upload_read

from . import boundary, rules, selectors, services
from .forms import (
    BuildingForm,
    CommunityEditForm,
    CommunityForm,
    ExcelImportForm,
    GridEditForm,
    GridForm,
    NeighbourhoodForm,
    StaffForm,
    StreetAdminForm,
    StreetEditForm,
    StreetForm,
)
from .maps import setup_map
from .models import Community, Street
from .svgmap import BUILDING_FILL, swatch


def _form_page(request: HttpRequest, form: Any, *, title: str, upload: bool = False, **extra: Any) -> HttpResponse:
    return render(request, "places/form.html", {"form": form, "title": title, "upload": upload, **extra})


def _street(request: HttpRequest, code: str) -> Street:
    street = selectors.street_get(code=code, user=request.user)
    if not rules.can_set_up_street(request.user, street):
        raise NotAllowed(_("You may not set up communities in this street."))
    return street


def _community(request: HttpRequest, code: str) -> Community:
    community = selectors.community_get(code=code, user=request.user)
    if not rules.can_set_up_community(request.user, community):
        raise NotAllowed(_("You may not set up this community."))
    return community


def _setup_url(community: Community) -> str:
    return reverse("places:community_setup", args=[community.code])


def _form_view(
    request: HttpRequest,
    form: forms.Form,
    save: Callable[[dict[str, Any]], Any],
    *,
    then: str | Callable[[Any], str],
    title: str,
    done: str | None = None,
    **extra: Any,
) -> HttpResponse:
    """One form's page: a valid POST goes through `save`, says `done` ("Saved." unless told) and goes to `then`;
    otherwise the page titled `title` shows the form with its refusal (nothing saved)."""
    return submit(request, form, save, done=done or _("Saved."), then=then) or _form_page(
        request, form, title=title, **extra
    )


def _boundary_read(upload: Any) -> boundary.Boundary:
    """The community's boundary from its uploaded GeoJSON file."""
    return boundary.boundary_from_file(upload_read(upload, max_bytes=boundary.MAX_BYTES, field="boundary"))


def _edit_title(thing: Any) -> str:
    return _("Edit %(name)s") % {"name": thing.name}


def _community_part_create(
    make_form: Callable[[HttpRequest, Community], forms.Form],
    create: Callable[..., Any],
    *,
    said: tuple[Promise, Promise, str],
) -> Callable[..., HttpResponse]:
    """The page that adds one part of a community (a neighbourhood, building, grid, staff role): `make_form(request,
    community)` binds the POST, `create(actor=, community=, **cleaned_data)` saves; `said` is what is said when
    added, the page's title, and the section of the set-up page to go back to."""
    done, title, section = said

    @login_required
    def view(request: HttpRequest, code: str) -> HttpResponse:
        community = _community(request, code)
        return _form_view(
            request,
            make_form(request, community),
            lambda data: create(actor=request.user, community=community, **data),
            then=f"{_setup_url(community)}#{section}",
            title=str(title),
            done=str(done),
            community=community,
        )

    return view


# --- streets ------------------------------------------------------------------------------------------------


@login_required
def street_list(request: HttpRequest) -> HttpResponse:
    if not rules.can_set_up_any_street(request.user):
        raise NotAllowed(_("Only street and city admins set up streets."))
    streets = selectors.streets_set_up_by(request.user)
    return render(
        request,
        "places/street_list.html",
        {"streets": streets, "can_create": rules.can_manage_streets(request.user)},
    )


@login_required
def street_create(request: HttpRequest) -> HttpResponse:
    if not rules.can_manage_streets(request.user):
        raise NotAllowed(_("Only city admins set up streets."))
    return _form_view(
        request,
        StreetForm(request.POST or None),
        lambda data: services.street_create(actor=request.user, **data),
        then=lambda street: reverse("places:street_detail", kwargs={"code": street.code}),
        title=_("New street"),
        done=_("Street created. Now add its street admin and communities."),
    )


@login_required
def street_detail(request: HttpRequest, code: str) -> HttpResponse:
    street = _street(request, code)
    return render(
        request,
        "places/street_detail.html",
        {
            "street": street,
            "communities": selectors.communities_of_street(street=street),
            "admins": selectors.street_admins_of(street=street),
            "can_manage_streets": rules.can_manage_streets(request.user),
            "admin_form": StreetAdminForm(),
        },
    )


@login_required
def street_edit(request: HttpRequest, code: str) -> HttpResponse:
    street = _street(request, code)
    if not rules.can_manage_streets(request.user):
        raise NotAllowed(_("Only city admins set up streets."))
    initial = {"name": street.name, "district": street.district, "city": street.city}
    return _form_view(
        request,
        StreetEditForm(request.POST or None, initial=initial),
        lambda data: services.street_update(actor=request.user, street=street, **data),
        then=reverse("places:street_detail", kwargs={"code": street.code}),
        title=_edit_title(street),
        delete_url=reverse("places:street_delete", args=[street.code]),
    )


@login_required
@require_POST
def street_admin_add(request: HttpRequest, code: str) -> HttpResponse:
    street = _street(request, code)
    form = StreetAdminForm(request.POST)
    if form.is_valid():
        try:
            account_services.staff_add(actor=request.user, role=Role.STREET_ADMIN, street=street, **form.cleaned_data)
        except DomainError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("Street admin added. They log in with an SMS code to their mobile."))
            return redirect("places:street_detail", code=street.code)
    return _form_page(request, form, title=_("Add a street admin"))


@login_required
@require_POST
def street_admin_revoke(request: HttpRequest, code: str, pk: str) -> HttpResponse:
    street = _street(request, code)
    assignment = selectors.street_admin_get(street=street, pk=parse_id(pk))
    account_services.role_revoke(actor=request.user, assignment=assignment)
    messages.success(request, _("Role revoked."))
    return redirect("places:street_detail", code=street.code)


# --- communities --------------------------------------------------------------------------------------------


@login_required
def community_create(request: HttpRequest, code: str) -> HttpResponse:
    street = _street(request, code)
    form = CommunityForm(request.POST or None, request.FILES or None)

    def create(cleaned: dict[str, Any]) -> Community:
        data = dict(cleaned)
        shape = _boundary_read(data.pop("boundary"))
        return services.community_create(actor=request.user, street=street, boundary=shape, **data)

    return _form_view(
        request,
        form,
        create,
        then=_setup_url,
        title=_("New community in %(street)s") % {"street": street.name},
        done=_("Community created. Now add its neighbourhoods, buildings and grids."),
        upload=True,
    )


@login_required
def community_edit(request: HttpRequest, code: str) -> HttpResponse:
    community = selectors.community_get(code=code, user=request.user)
    if not rules.can_edit_community(request.user, community):
        raise NotAllowed(_("You may not change this community."))
    form = CommunityEditForm(
        request.POST or None, request.FILES or None, initial={"name": community.name, "tier": community.tier}
    )

    def save(cleaned: dict[str, Any]) -> Community:
        data = dict(cleaned)
        upload = data.pop("boundary")
        if upload:
            data["boundary"] = _boundary_read(upload)
        return services.community_update(actor=request.user, community=community, **data)

    return _form_view(
        request,
        form,
        save,
        then=_setup_url(community),
        title=_edit_title(community),
        upload=True,
        delete_url=reverse("places:community_delete", args=[community.code]),
    )


@login_required
def community_setup(request: HttpRequest, code: str) -> HttpResponse:
    """The community's set-up page: map, neighbourhoods, grids with their stewards, buildings, staff."""
    community = _community(request, code)
    hood_raw = request.GET.get("neighbourhood", "")
    hood_id = parse_id(hood_raw) if hood_raw else None
    grid_code = request.GET.get("grid", "").strip()
    search = request.GET.get("q", "").strip()[:60]
    buildings = selectors.buildings_filtered(
        community=community, neighbourhood_id=hood_id, grid=grid_code, search=search
    )
    grids = [(g, swatch("fill", g.colour)) for g in selectors.grids_with_building_counts(community=community)]
    return render(
        request,
        "places/community_setup.html",
        {
            "community": community,
            "neighbourhoods": selectors.neighbourhoods_of(community=community),
            "grids": grids,
            "buildings": buildings,
            "n_all_buildings": community.buildings.count(),
            "staff": selectors.staff_of(community=community),
            "map_svg": setup_map(community),
            "filters": {"neighbourhood": hood_id, "grid": grid_code, "q": search},
            "can_edit": rules.can_edit_community(request.user, community),
            "no_grid_key": swatch("fill", BUILDING_FILL),
        },
    )


neighbourhood_create = _community_part_create(
    lambda request, community: NeighbourhoodForm(request.POST or None),
    services.neighbourhood_create,
    said=(gettext_lazy("Neighbourhood added."), gettext_lazy("Add a neighbourhood"), "neighbourhoods"),
)


@login_required
def neighbourhood_edit(request: HttpRequest, code: str, pk: str) -> HttpResponse:
    community = _community(request, code)
    hood = selectors.neighbourhood_get(community=community, pk=parse_id(pk))
    return _form_view(
        request,
        NeighbourhoodForm(request.POST or None, initial={"name": hood.name}),
        lambda data: services.neighbourhood_update(actor=request.user, neighbourhood=hood, **data),
        then=_setup_url(community) + "#neighbourhoods",
        title=_edit_title(hood),
        community=community,
    )


building_create = _community_part_create(
    lambda request, community: BuildingForm(request.POST or None, community=community, initial={"residential": True}),
    services.building_create,
    said=(gettext_lazy("Building added."), gettext_lazy("Add a building"), "buildings"),
)


@login_required
def building_edit(request: HttpRequest, code: str, pk: str) -> HttpResponse:
    community = _community(request, code)
    building = selectors.building_get(community=community, pk=parse_id(pk))
    initial = {
        "name": building.name,
        "neighbourhood": building.neighbourhood_id,
        "floors": building.floors,
        "lat": building.lat,
        "lng": building.lng,
        "residential": building.residential,
    }
    return _form_view(
        request,
        BuildingForm(request.POST or None, community=community, initial=initial),
        lambda data: services.building_update(actor=request.user, building=building, **data),
        then=_setup_url(community) + "#buildings",
        title=_edit_title(building),
        community=community,
        delete_url=reverse("places:building_delete", args=[community.code, building.pk]),
    )


@login_required
@require_POST
def buildings_import_osm(request: HttpRequest, code: str) -> HttpResponse:
    community = _community(request, code)
    return press(
        request,
        lambda _data: services.buildings_import_osm(actor=request.user, community=community),
        done=lambda result: (
            _("%(created)d buildings imported from OpenStreetMap; %(unchanged)d were already here.")
            % {"created": result.created, "unchanged": result.unchanged}
        ),
        back=_setup_url(community) + "#buildings",
    )


@login_required
def buildings_import_excel(request: HttpRequest, code: str) -> HttpResponse:
    community = _community(request, code)
    form = ExcelImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            content = upload_read(form.cleaned_data["file"], max_bytes=services.EXCEL_MAX_BYTES, field="file")
            result = services.buildings_import_excel(actor=request.user, community=community, content=content)
        except services.ImportRefused as exc:
            form.add_error("file", _("Nothing was imported: %(n)d problem(s).") % {"n": len(exc.problems)})
            problems = exc.problems
        except DomainError as exc:
            exc.show_on(form)
        else:
            messages.success(
                request,
                _("%(created)d buildings added, %(updated)d updated, %(hoods)d neighbourhoods added.")
                % {"created": result.created, "updated": result.updated, "hoods": result.neighbourhoods_created},
            )
            return redirect(_setup_url(community) + "#buildings")
    return _form_page(
        request,
        form,
        title=_("Import buildings from Excel"),
        upload=True,
        community=community,
        problems=problems,
    )


@login_required
@require_POST
def buildings_assign(request: HttpRequest, code: str) -> HttpResponse:
    """The checked buildings of the list into the chosen grid (or out of every grid)."""
    community = _community(request, code)
    grid_code = request.POST.get("grid", "")
    grid = None if grid_code == "-" else selectors.grid_get(community=community, code=grid_code)
    try:
        ids = [parse_id(v, field="buildings") for v in request.POST.getlist("buildings")]
        moved = services.buildings_assign_grid(actor=request.user, community=community, grid=grid, building_ids=ids)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        if grid is None:
            messages.success(request, _("%(n)d buildings taken out of their grid.") % {"n": moved})
        else:
            messages.success(request, _("%(n)d buildings moved into %(grid)s.") % {"n": moved, "grid": grid.name})
    kept = {k: request.POST.get(f"filter_{k}", "") for k in ("neighbourhood", "grid", "q")}
    query = urlencode({k: v for k, v in kept.items() if v})
    return redirect(_setup_url(community) + (f"?{query}" if query else "") + "#buildings")


grid_create = _community_part_create(
    lambda request, community: GridForm(request.POST or None, stewards=selectors.stewards_of(community=community)),
    services.grid_create,
    said=(gettext_lazy("Grid added. Now put buildings in it."), gettext_lazy("Add a grid"), "grids"),
)


@login_required
def grid_edit(request: HttpRequest, code: str, grid_code: str) -> HttpResponse:
    community = _community(request, code)
    grid = selectors.grid_get(community=community, code=grid_code)
    initial = {"name": grid.name, "colour": grid.colour, "steward": grid.steward_id}
    return _form_view(
        request,
        GridEditForm(request.POST or None, stewards=selectors.stewards_of(community=community), initial=initial),
        lambda data: services.grid_update(actor=request.user, grid=grid, **data),
        then=_setup_url(community) + "#grids",
        title=_edit_title(grid),
        community=community,
        delete_url=reverse("places:grid_delete", args=[community.code, grid.code]),
        stewardships=selectors.stewardships_of(grid=grid),
    )


staff_add = _community_part_create(
    lambda request, community: StaffForm(
        request.POST or None, initial={"role": request.GET.get("role", Role.GRID_STEWARD)}
    ),
    account_services.staff_add,
    said=(
        gettext_lazy("Role granted. New staff log in with an SMS code to their mobile."),
        gettext_lazy("Add staff"),
        "staff",
    ),
)


@login_required
@require_POST
def staff_revoke(request: HttpRequest, code: str, pk: str) -> HttpResponse:
    community = _community(request, code)
    assignment = selectors.staff_role_get(community=community, pk=parse_id(pk))
    return press(
        request,
        lambda _data: services.staff_revoke(actor=request.user, community=community, assignment=assignment),
        done=_("Role revoked."),
        back=_setup_url(community) + "#staff",
    )


# --- deleting a place set up by mistake (a button on its edit page) ---------------------------------------------


def _deleted_or_refused(request: HttpRequest, delete: Any, *, done: str, back: str) -> HttpResponse:
    try:
        delete()
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(back)
    messages.success(request, _("Deleted."))
    return redirect(done)


@login_required
@require_POST
def street_delete(request: HttpRequest, code: str) -> HttpResponse:
    street = _street(request, code)
    return _deleted_or_refused(
        request,
        lambda: services.street_delete(actor=request.user, street=street),
        done=reverse("places:street_list"),
        back=reverse("places:street_edit", args=[street.code]),
    )


@login_required
@require_POST
def community_delete(request: HttpRequest, code: str) -> HttpResponse:
    community = selectors.community_get(code=code, user=request.user)
    return _deleted_or_refused(
        request,
        lambda: services.community_delete(actor=request.user, community=community),
        done=reverse("places:street_detail", args=[community.street.code]),
        back=reverse("places:community_edit", args=[community.code]),
    )


@login_required
@require_POST
def building_delete(request: HttpRequest, code: str, pk: str) -> HttpResponse:
    community = _community(request, code)
    building = selectors.building_get(community=community, pk=parse_id(pk))
    return _deleted_or_refused(
        request,
        lambda: services.building_delete(actor=request.user, building=building),
        done=_setup_url(community) + "#buildings",
        back=reverse("places:building_edit", args=[community.code, building.pk]),
    )


@login_required
@require_POST
def grid_delete(request: HttpRequest, code: str, grid_code: str) -> HttpResponse:
    community = _community(request, code)
    grid = selectors.grid_get(community=community, code=grid_code)
    return _deleted_or_refused(
        request,
        lambda: services.grid_delete(actor=request.user, grid=grid),
        done=_setup_url(community) + "#grids",
        back=reverse("places:grid_edit", args=[community.code, grid.code]),
    )
