"""垃圾分类检查, phone first: pick a building, tap each household's result. One view per button."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.buttons import press
from linli.core.errors import NotAllowed
from linli.places.selectors import community_get

from . import rules, selectors, services
from .forms import BuildingForm, CheckForm
from .models import SortingCheck


@login_required
def check_round(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not rules.can_check(request.user, community):
        raise NotAllowed(_("You may not record waste-sorting checks in this community."))
    today = timezone.localdate()
    form = BuildingForm(request.GET or None, community=community)
    rows = []
    building = None
    if form.is_valid():
        building = form.chosen()
        rows = selectors.households_to_check(user=request.user, community=community, building=building, day=today)
    recent = selectors.checks_of(user=request.user, community=community, day=today)[:20]
    return render(
        request,
        "waste/round.html",
        {
            "community": community,
            "form": form,
            "building": building,
            "rows": rows,
            "recent": recent,
            "today": today,
            "results": SortingCheck.Result.choices,
            "may_see_all": rules.can_view_checks(request.user, community),
        },
    )


@login_required
@require_POST
def check_record(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    household = selectors.household_for_check(user=request.user, community=community, pk=pk)
    back = f"{reverse('waste:round', args=[community.code])}?building={household.building_id}#h{household.pk}"

    def done(check: SortingCheck) -> str:
        if check.points:
            return _("%(home)s: %(result)s, %(points)s points to %(name)s.") % {
                "home": household.unit,
                "result": check.get_result_display(),
                "points": check.points,
                "name": check.awarded_to.name if check.awarded_to else "",
            }
        return _("%(home)s: %(result)s.") % {"home": household.unit, "result": check.get_result_display()}

    return press(
        request,
        lambda data: services.sorting_check_record(
            actor=request.user, household=household, result=data["result"], note=data["note"]
        ),
        form=CheckForm(request.POST),
        done=done,
        back=back,
    )
