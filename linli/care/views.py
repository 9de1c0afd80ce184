"""Care visit pages, phone first. Reads go through `selectors`; each page showing a resident's care records
audits the read with `services.care_record_viewed`."""

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

from linli.core.buttons import button
from linli.core.errors import DomainError, NotAllowed, NotFound
from linli.core.parsing import parse_id
from linli.places.selectors import community_get

from . import rules, selectors, services
from .forms import CadenceForm, FilterForm, ReferralForm, ReportForm, RoundForm, VisitForm
from .models import Cadence, Referral, Visit


@login_required
def work_list(request: HttpRequest, code: str) -> HttpResponse:
    """我的走访: the steward's grids, or the whole community with filters for social workers and admins."""
    community = community_get(code=code, user=request.user)
    if not rules.can_view_care_list(request.user, community):
        raise NotAllowed(_("Only the community's stewards, social workers and admins see care visits."))
    caseworker = rules.is_caseworker(request.user, community)
    cadences = selectors.cadences_of(community=community)
    filters = FilterForm(request.GET or None, community=community, tag_ids=list(cadences))
    grid = tag = None
    overdue_only = False
    if caseworker and filters.is_valid():
        grid, tag = filters.cleaned_data["grid"], filters.cleaned_data["tag"]
        overdue_only = filters.cleaned_data["overdue"]
    entries = selectors.care_list(user=request.user, community=community, grid=grid, tag=tag, overdue_only=overdue_only)
    return render(
        request,
        "care/work_list.html",
        {
            "community": community,
            "entries": entries,
            "overdue": sum(1 for e in entries if e.overdue),
            "caseworker": caseworker,
            "filters": filters,
            "has_cadences": bool(cadences),
            "can_set_cadence": rules.can_set_cadence(request.user, community),
            "open_referrals": selectors.referrals_for(
                user=request.user, community=community, status=Referral.Status.OPEN
            ).count(),
        },
    )


@login_required
def resident_history(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    resident = selectors.care_resident_get(user=request.user, community=community, pk=pk)
    services.care_record_viewed(actor=request.user, resident=resident)
    return render(
        request,
        "care/resident.html",
        {
            "community": community,
            "resident": resident,
            "every_days": selectors.on_care_list(resident=resident),
            "tags": selectors.care_tags_of(resident=resident, community=community),
            "visits": selectors.visits_of(resident=resident),
            "can_record": rules.can_record_visit(request.user, resident),
        },
    )


@login_required
def visit_new(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    resident = selectors.care_resident_get(user=request.user, community=community, pk=pk)
    form = VisitForm(
        request.POST or None, initial={"visited_at": timezone.localtime().replace(second=0, microsecond=0)}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = services.visit_record(
                actor=request.user,
                resident=resident,
                visited_at=data["visited_at"] or timezone.now(),
                kind=data["kind"],
                seen=data["seen"],
                condition=data["condition"],
                needs=data["needs"],
                note=data["note"],
            )
        except DomainError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("Visit recorded."))
            if visit.needs:
                return redirect("care:visit", code=code, pk=visit.pk)
            return redirect("care:work_list", code=code)
    return render(request, "care/visit_form.html", {"community": community, "resident": resident, "form": form})


@login_required
def visit_round(request: HttpRequest, code: str) -> HttpResponse:
    """A round (巡访): tick the residents on one's care list seen at one go, say how they are, save all at once."""
    community = community_get(code=code, user=request.user)
    if not rules.can_view_care_list(request.user, community):
        raise NotAllowed(_("Only the community's stewards, social workers and admins see care visits."))
    entries = selectors.care_list(user=request.user, community=community)
    form = RoundForm(
        request.POST or None,
        entries=entries,
        initial={"visited_at": timezone.localtime().replace(second=0, microsecond=0), "condition": "good"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = {e.resident.pk: e.resident for e in entries}
        now = timezone.now()
        visits = [
            {
                "resident": chosen[pk],
                "visited_at": data["visited_at"] or now,
                "kind": data["kind"],
                "seen": data["seen"],
                "condition": data["condition"],
                "note": data["note"],
            }
            for pk in data["residents"]
        ]
        try:
            count = services.visits_record_many(actor=request.user, visits=visits, now=now)
        except DomainError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("%(n)s visits recorded.") % {"n": count})
            return redirect("care:work_list", code=code)
    return render(request, "care/round.html", {"community": community, "form": form, "entries": entries})


def _categories(community: Any) -> Any:
    return selectors.report_categories(community=community)


@login_required
def visit_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    visit = selectors.visit_get(user=request.user, community=community, pk=pk)
    services.care_record_viewed(actor=request.user, resident=visit.resident, visit=visit)
    can_follow_up = rules.can_follow_up_visit(request.user, visit)
    return render(
        request,
        "care/visit_detail.html",
        {
            "community": community,
            "visit": visit,
            "resident": visit.resident,
            "referrals": selectors.referrals_of_visit(visit=visit),
            "can_follow_up": can_follow_up,
            "report_form": ReportForm(categories=_categories(community)) if can_follow_up else None,
            "has_categories": _categories(community).exists(),
            "referral_form": ReferralForm(initial={"text": "、".join(visit.need_labels())}) if can_follow_up else None,
        },
    )


@login_required
@require_POST
def visit_report(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    visit = selectors.visit_get(user=request.user, community=community, pk=pk)
    form = ReportForm(request.POST, categories=_categories(community))
    if form.is_valid():
        try:
            report = services.visit_report(actor=request.user, visit=visit, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Report #%(n)s made.") % {"n": report.pk})
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("care:visit", code=code, pk=pk)


def _visit(request: HttpRequest, code: str, pk: int) -> Visit:
    return selectors.visit_get(user=request.user, community=community_get(code=code, user=request.user), pk=pk)


visit_refer = button(
    _visit,
    lambda request, visit, _data: services.referral_create(
        actor=request.user, visit=visit, text=request.POST.get("text", "")
    ),
    done=gettext_lazy("Referred to the social workers."),
    back=lambda code, pk: reverse("care:visit", kwargs={"code": code, "pk": pk}),
)


@login_required
def referrals(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    status = request.GET.get("status", Referral.Status.OPEN)
    if status not in Referral.Status.values:
        status = ""
    return render(
        request,
        "care/referrals.html",
        {
            "community": community,
            "referrals": selectors.referrals_for(user=request.user, community=community, status=status)[:200],
            "status": status,
            "statuses": Referral.Status.choices,
            "can_handle": rules.can_handle_referrals(request.user, community),
        },
    )


def _referral(request: HttpRequest, code: str, pk: int) -> Referral:
    return selectors.referral_get(user=request.user, community=community_get(code=code, user=request.user), pk=pk)


referral_close = button(
    _referral,
    lambda request, referral, _data: services.referral_close(
        actor=request.user, referral=referral, outcome=request.POST.get("outcome", "")
    ),
    done=gettext_lazy("Referral done."),
    back=lambda code, pk: reverse("care:referrals", kwargs={"code": code}),
)


@login_required
def cadences(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    rows = selectors.cadence_list(user=request.user, community=community)
    can_set = rules.can_set_cadence(request.user, community)
    form = CadenceForm(request.POST or None)
    if request.method == "POST":
        if not can_set:
            raise NotAllowed(_("Only the community admin may set how often residents are visited."))
        if form.is_valid():
            try:
                services.cadence_set(actor=request.user, community=community, **form.cleaned_data)
            except DomainError as exc:
                exc.show_on(form)
            else:
                messages.success(request, _("Cadence saved."))
                return redirect("care:cadences", code=code)
    return render(
        request, "care/cadences.html", {"community": community, "rows": rows, "form": form, "can_set": can_set}
    )


def _cadence(request: HttpRequest, code: str, pk: str) -> Cadence:
    community = community_get(code=code, user=request.user)
    if not rules.can_set_cadence(request.user, community):
        raise NotAllowed(_("Only the community admin may set how often residents are visited."))
    cadence = selectors.cadence_in(community=community, pk=parse_id(pk))
    if cadence is None:
        raise NotFound(_("This tag has no visit cadence."))
    return cadence


cadence_remove = button(
    _cadence,
    lambda request, cadence, _data: services.cadence_remove(
        actor=request.user, community=cadence.community, tag=cadence.tag
    ),
    done=gettext_lazy("Cadence removed."),
    back=lambda code, pk: reverse("care:cadences", kwargs={"code": code}),
)
