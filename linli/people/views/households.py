from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from linli.accounts import rules
from linli.core.buttons import submit
from linli.core.errors import DomainError, NotAllowed
from linli.places.models import Community, Household
from linli.places.selectors import community_get

from .. import selectors, services
from ..forms import AddMemberForm, HouseholdForm, HouseholdUnitForm


@login_required
def building_list(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    buildings = selectors.buildings_with_households(user=request.user, community=community)
    return render(
        request,
        "people/building_list.html",
        {"community": community, "buildings": buildings, "can_edit": rules.can_edit_residents(request.user, community)},
    )


@login_required
def building_households(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    building = selectors.building_get(user=request.user, community=community, pk=pk)
    return render(
        request,
        "people/building_households.html",
        {
            "community": community,
            "building": building,
            "households": selectors.households_of(user=request.user, community=community, building=building),
            "can_edit": rules.can_edit_residents(request.user, community),
        },
    )


@login_required
def household_create(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not rules.can_edit_residents(request.user, community):
        raise NotAllowed(_("You may not change households in this community."))
    initial = {"building": request.GET.get("building")} if request.GET.get("building", "").isdigit() else {}
    form = HouseholdForm(request.POST or None, community=community, initial=initial)
    return submit(
        request,
        form,
        lambda data: services.household_create(actor=request.user, community=community, **data),
        done=lambda household: _("Household %(h)s created.") % {"h": household},
        then=lambda household: _household_url(community, household),
    ) or render(
        request, "people/household_form.html", {"community": community, "form": form, "title": _("New household")}
    )


def _household_url(community: Community, household: Household) -> str:
    return reverse("people:household_detail", kwargs={"code": community.code, "pk": household.pk})


@login_required
def household_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    household = selectors.household_get(user=request.user, community=community, pk=pk)
    can_edit = rules.can_edit_residents(request.user, community)
    add_form = AddMemberForm(request.POST or None) if can_edit else None
    candidates = None
    q = request.GET.get("q", "").strip()
    if can_edit and q:
        candidates = selectors.household_candidates(
            user=request.user, community=community, household=household, search=q
        )
    if add_form is not None and request.method == "POST" and add_form.is_valid():
        try:
            resident = selectors.resident_get(
                user=request.user, community=community, pk=add_form.cleaned_data["resident"]
            )
            services.resident_update(
                actor=request.user,
                resident=resident,
                household=household,
                relation_to_head=add_form.cleaned_data["relation_to_head"],
            )
        except DomainError as exc:
            exc.show_on(add_form)
        else:
            messages.success(request, _("%(name)s now lives in %(h)s.") % {"name": resident.name, "h": household})
            return redirect("people:household_detail", code=community.code, pk=household.pk)
    return render(
        request,
        "people/household_detail.html",
        {
            "community": community,
            "household": household,
            "members": selectors.household_members(user=request.user, household=household),
            "can_edit": can_edit,
            "add_form": add_form,
            "q": q,
            "candidates": candidates,
            "show_tags": rules.can_view_sensitive_tags(request.user, community),
            "exact_age": rules.can_view_birth_date(request.user, community),
        },
        status=400 if add_form is not None and add_form.errors else 200,
    )


@login_required
def household_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not rules.can_edit_residents(request.user, community):
        raise NotAllowed(_("You may not change households in this community."))
    household = selectors.household_get(user=request.user, community=community, pk=pk)
    form = HouseholdUnitForm(request.POST or None, initial={"unit": household.unit})
    return submit(
        request,
        form,
        lambda data: services.household_update(actor=request.user, household=household, unit=data["unit"]),
        done=_("Changes saved."),
        then=_household_url(community, household),
    ) or render(
        request,
        "people/household_form.html",
        {"community": community, "form": form, "household": household, "title": _("Edit %(h)s") % {"h": household}},
    )
