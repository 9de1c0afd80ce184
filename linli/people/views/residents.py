from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.accounts import rules
from linli.accounts.types import Actor
from linli.core.buttons import submit
from linli.core.errors import DomainError, NotAllowed
from linli.core.filters import cleaned_filters
from linli.places.models import Community, Household
from linli.places.selectors import community_get, household_get

from .. import selectors, services
from ..forms import MoveBackForm, MoveOutForm, ResidentFilterForm, ResidentForm, RevealForm, resident_initial
from ..models import Resident

PAGE_SIZE = 50


def filters_from(form: ResidentFilterForm) -> selectors.ResidentFilters:
    """The list's filters; a filter that cannot be read is refused with its reason, never silently dropped."""
    data = cleaned_filters(form)
    party = data.get("party_member", "")
    return selectors.ResidentFilters(
        search=data.get("q", ""),
        status=data.get("status") or selectors.STATUS_CURRENT,
        neighbourhood=getattr(data.get("neighbourhood"), "pk", None),
        building=getattr(data.get("building"), "pk", None),
        grid=getattr(data.get("grid"), "pk", None),
        age_tier=data.get("age_tier", ""),
        tag=getattr(data.get("tag"), "code", ""),
        party_member=None if party == "" else party == "1",
        residence=data.get("residence", ""),
    )


@login_required
def resident_list(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    show_tags = rules.can_view_sensitive_tags(request.user, community)
    form = ResidentFilterForm(request.GET or None, community=community, show_tags=show_tags)
    qs = selectors.residents_for(user=request.user, community=community, filters=filters_from(form))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "people/resident_list.html",
        {
            "community": community,
            "form": form,
            "page": page,
            "querystring": params.urlencode(),
            "counts": selectors.status_counts(user=request.user, community=community),
            "can_edit": rules.can_edit_residents(request.user, community),
            "show_tags": show_tags,
            "exact_age": rules.can_view_birth_date(request.user, community),
        },
    )


@login_required
def resident_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    resident = selectors.resident_get(user=request.user, community=community, pk=pk)
    revealed = None
    form = RevealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            revealed = services.resident_reveal_id_number(
                actor=request.user, resident=resident, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
    can_edit = rules.can_edit_residents(request.user, community)
    return render(
        request,
        "people/resident_detail.html",
        {
            "community": community,
            "resident": resident,
            "form": form,
            "revealed": revealed,
            "can_reveal": rules.can_reveal_id_number(request.user, community),
            "can_edit": can_edit,
            "move_form": (MoveBackForm() if resident.has_moved_out else MoveOutForm()) if can_edit else None,
            "exact_age": rules.can_view_birth_date(request.user, community),
            "show_tags": rules.can_view_sensitive_tags(request.user, community),
        },
    )


def _household_of(form: ResidentForm, community: Community, actor: Actor) -> Household | None:
    """The household chosen on the form, or the new one it asks for (created in the caller's transaction)."""
    data = form.cleaned_data
    if data.get("new_building"):
        return services.household_create(
            actor=actor, community=community, building=data["new_building"], unit=data["new_unit"]
        )
    if data.get("household"):
        return household_get(community=community, pk=int(data["household"]))
    return None


def _resident_data(form: ResidentForm) -> dict[str, Any]:
    data = {k: v for k, v in form.cleaned_data.items() if k not in {"household", "new_building", "new_unit"}}
    if "tags" in data:
        data["tags"] = [t.code for t in data["tags"]]
    return data


@login_required
def resident_create(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not rules.can_edit_residents(request.user, community):
        raise NotAllowed(_("You may not register residents in this community."))
    form = ResidentForm(request.POST or None, community=community)

    @transaction.atomic  # a new household is kept only if the resident is saved with it
    def save(data: dict[str, Any]) -> Resident:
        household = _household_of(form, community, request.user)
        return services.resident_create(
            actor=request.user, community=community, household=household, **_resident_data(form)
        )

    return submit(
        request, form, save, done=_("Resident registered."), then=lambda resident: _detail_url(community, resident)
    ) or render(
        request,
        "people/resident_form.html",
        {"community": community, "form": form, "title": _("Register a resident")},
    )


def _detail_url(community: Community, resident: Resident) -> str:
    return reverse("people:resident_detail", kwargs={"code": community.code, "pk": resident.pk})


def _resident_to_change(request: HttpRequest, code: str, pk: int) -> tuple[Community, Resident]:
    """The community and its resident, for a user who may change residents there."""
    community = community_get(code=code, user=request.user)
    if not rules.can_edit_residents(request.user, community):
        raise NotAllowed(_("You may not change residents in this community."))
    return community, selectors.resident_get(user=request.user, community=community, pk=pk)


@login_required
def resident_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community, resident = _resident_to_change(request, code, pk)
    form = ResidentForm(request.POST or None, community=community, editing=True, initial=resident_initial(resident))

    @transaction.atomic
    def save(data: dict[str, Any]) -> Resident:
        changes = _resident_data(form)
        if not changes.get("id_number"):
            changes.pop("id_number", None)  # left empty: the number on file stays
        changes["household"] = _household_of(form, community, request.user)
        return services.resident_update(actor=request.user, resident=resident, **changes)

    return submit(request, form, save, done=_("Changes saved."), then=_detail_url(community, resident)) or render(
        request,
        "people/resident_form.html",
        {
            "community": community,
            "form": form,
            "resident": resident,
            "title": _("Edit %(name)s") % {"name": resident.name},
        },
    )


@login_required
@require_POST
def resident_move_out(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community, resident = _resident_to_change(request, code, pk)
    form = MoveOutForm(request.POST)
    if form.is_valid():
        cancelled: list[str] = []
        try:
            services.resident_move_out(
                actor=request.user,
                resident=resident,
                on=form.cleaned_data["moved_out_on"],
                reason=form.cleaned_data["reason"],
                cancelled=cancelled,
            )
        except DomainError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("%(name)s is recorded as moved out.") % {"name": resident.name})
            if cancelled:
                messages.info(request, _("Cancelled at the move out: %(list)s") % {"list": _("; ").join(cancelled)})
            return redirect("people:resident_detail", code=community.code, pk=resident.pk)
    return _detail_with(request, community, resident, form)


@login_required
@require_POST
def resident_move_back(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community, resident = _resident_to_change(request, code, pk)
    form = MoveBackForm(request.POST)
    return submit(
        request,
        form,
        lambda data: services.resident_move_back(actor=request.user, resident=resident, reason=data["reason"]),
        done=_("%(name)s lives here again.") % {"name": resident.name},
        then=_detail_url(community, resident),
    ) or _detail_with(request, community, resident, form)


def _detail_with(request: HttpRequest, community: Community, resident: Resident, move_form: Any) -> HttpResponse:
    """The detail page again, with the refused move-out/back form and its errors (status 400)."""
    return render(
        request,
        "people/resident_detail.html",
        {
            "community": community,
            "resident": resident,
            "form": RevealForm(),
            "can_reveal": rules.can_reveal_id_number(request.user, community),
            "can_edit": True,
            "move_form": move_form,
            "today": timezone.localdate(),
            "exact_age": rules.can_view_birth_date(request.user, community),
            "show_tags": rules.can_view_sensitive_tags(request.user, community),
        },
        status=400,
    )
