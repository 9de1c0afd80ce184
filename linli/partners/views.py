"""Partner pages: parse, check the rule, call one service, render. Refusals come back on the same form."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms import formset_factory
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from linli.core.buttons import press, submit
from linli.core.errors import DomainError, NotAllowed
from linli.core.retire import retire_and_restore
from linli.core.scenarios import Scenario
from linli.facilities.money import fen_to_yuan
from linli.places.selectors import community_get

from . import rules, selectors, services
from .forms import (
    CloseForm,
    ContributionForm,
    CorrectForm,
    DeliverForm,
    PairingForm,
    PartnerForm,
    ProjectForm,
    WithdrawForm,
)
from .models import Partner, PartnerKind, Project

ContributionFormSet = formset_factory(ContributionForm, extra=3)


def _manager(request: HttpRequest, community: Any) -> None:
    if not rules.can_manage_partners(request.user, community):
        raise NotAllowed(_("Only the community's social workers and admins may change partners."))


def _form(request: HttpRequest, community: Any, form: forms.Form, title: str, **extra: Any) -> HttpResponse:
    return render(request, "partners/form.html", {"community": community, "form": form, "title": title, **extra})


def _active_partners(request: HttpRequest, community: Any) -> Any:
    return selectors.partners_of(user=request.user, community=community)


# --- lists ---------------------------------------------------------------------------------------------


def index(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    kind = request.GET.get("kind", "")
    kind = kind if kind in PartnerKind.values else ""
    active_param = request.GET.get("active", "1")
    active = {"1": True, "0": False}.get(active_param)
    scenario = request.GET.get("scenario", "")
    scenario = scenario if scenario in Scenario.values else ""
    status = request.GET.get("status", "")
    status = status if status in Project.Status.values else ""
    partners = selectors.partners_of(user=request.user, community=community, kind=kind, active=active)
    projects = selectors.projects_of(user=request.user, community=community, scenario=scenario, status=status)
    return render(
        request,
        "partners/index.html",
        {
            "community": community,
            "partners": partners,
            "kinds": selectors.kind_counts(user=request.user, community=community),
            "pairings": selectors.pairings_of(community=community),
            "projects": Paginator(projects, 30).get_page(request.GET.get("page")),
            "filters": {"kind": kind, "active": active_param, "scenario": scenario, "status": status},
            "kind_choices": PartnerKind.choices,
            "scenario_choices": Scenario.choices,
            "status_choices": Project.Status.choices,
            "can_manage": rules.can_manage_partners(request.user, community),
            "can_street": rules.can_view_street_partners(request.user, community.street),
        },
    )


def street(request: HttpRequest, code: str) -> HttpResponse:
    street = selectors.street_get(user=request.user, code=code)
    rows = selectors.street_overview(user=request.user, street=street)
    return render(
        request,
        "partners/street.html",
        {
            "street": street,
            "rows": rows,
            "totals": selectors.street_totals(rows),
            "partners": sum(r.partners for r in rows),
            "projects": sum(r.projects for r in rows),
            "beneficiaries": sum(r.beneficiaries for r in rows),
        },
    )


# --- partners ------------------------------------------------------------------------------------------


def partner_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    partner = selectors.partner_get(user=request.user, community=community, pk=pk)
    see_contacts = rules.can_see_contacts(request.user, community)
    return render(
        request,
        "partners/partner_detail.html",
        {
            "community": community,
            "partner": partner,
            "contact_mobile": selectors.contact_mobile(user=request.user, partner=partner),
            "see_contacts": see_contacts,
            "members": selectors.members_of(user=request.user, partner=partner),
            "pairings": selectors.pairings_of(community=community, current=False, partner=partner),
            "projects": selectors.projects_of(user=request.user, community=community, partner=partner),
            "by_kind": selectors.contributions_by_partner(partner=partner),
            "can_manage": rules.can_manage_partners(request.user, community),
        },
    )


@login_required
def partner_new(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    _manager(request, community)
    form = PartnerForm(
        request.POST or None, user=request.user, community=community, initial={"joined_on": timezone.localdate()}
    )
    saved = submit(
        request,
        form,
        lambda _data: services.partner_register(actor=request.user, community=community, **form.service_kwargs()),
        done=lambda partner: _("%(name)s is registered as a partner.") % {"name": partner.name},
        then=lambda partner: reverse("partners:partner", args=[code, partner.pk]),
    )
    if saved is not None:
        return saved
    return _form(request, community, form, _("Register a partner"))


@login_required
def partner_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    partner = selectors.partner_get(user=request.user, community=community, pk=pk)
    _manager(request, community)
    form = PartnerForm(
        request.POST or None, user=request.user, community=community, initial=PartnerForm.initial_for(partner)
    )
    del form.fields["joined_on"]
    saved = submit(
        request,
        form,
        lambda _data: services.partner_update(actor=request.user, partner=partner, **form.service_kwargs()),
        done=_("The partner's details are saved."),
        then=reverse("partners:partner", args=[code, partner.pk]),
    )
    if saved is not None:
        return saved
    return _form(request, community, form, _("Edit %(name)s") % {"name": partner.name}, partner=partner)


def _partner_posted(request: HttpRequest, code: str, pk: int) -> Partner:
    community = community_get(code=code, user=request.user)
    partner = selectors.partner_get(user=request.user, community=community, pk=pk)
    _manager(request, community)
    return partner


def _switch(request: HttpRequest, partner: Partner, active: bool) -> Partner:
    if active:
        return services.partner_reactivate(actor=request.user, partner=partner)
    return services.partner_deactivate(actor=request.user, partner=partner, on=timezone.localdate())


partner_deactivate, partner_reactivate = retire_and_restore(
    _partner_posted,
    _switch,
    retired=gettext_lazy("The partner is marked inactive; its records stay."),
    restored=gettext_lazy("The partner is active again."),
    back=lambda code, pk: reverse("partners:partner", kwargs={"code": code, "pk": pk}),
)


# --- pairings ------------------------------------------------------------------------------------------


@login_required
def pairing_new(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    _manager(request, community)
    enterprises = selectors.partners_of(
        user=request.user, community=community, entity=Partner.Entity.ENTERPRISE, unpaired=True
    )
    form = PairingForm(
        request.POST or None,
        partners=enterprises,
        initial={"since": timezone.localdate(), "partner": request.GET.get("partner")},
    )
    saved = submit(
        request,
        form,
        lambda data: services.pairing_create(actor=request.user, **data),
        done=_("The enterprise is paired with the community."),
        then=lambda pairing: reverse("partners:partner", args=[code, pairing.partner_id]),
    )
    if saved is not None:
        return saved
    return _form(request, community, form, _("Pair an enterprise (社企结对)"))


@login_required
@require_POST
def pairing_end(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    pairing = selectors.pairing_get(user=request.user, community=community, pk=pk)
    _manager(request, community)
    return press(
        request,
        lambda _data: services.pairing_update(actor=request.user, pairing=pairing, until=timezone.localdate()),
        done=_("The pairing has ended."),
        back=reverse("partners:partner", args=[code, pairing.partner_id]),
    )


# --- projects ------------------------------------------------------------------------------------------


def project_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    project = selectors.project_get(user=request.user, community=community, pk=pk)
    contributions = selectors.contributions_of(project=project)
    return render(
        request,
        "partners/project_detail.html",
        {
            "community": community,
            "project": project,
            "contributions": contributions,
            "by_kind": selectors.totals_by_kind(contributions),
            "can_manage": rules.can_manage_partners(request.user, community),
        },
    )


@login_required
def project_new(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    _manager(request, community)
    partners = _active_partners(request, community)
    data = request.POST or None
    form = ProjectForm(
        data, partners=partners, initial={"starts_on": timezone.localdate(), "lead": request.GET.get("lead")}
    )
    plans = ContributionFormSet(data, prefix="c", form_kwargs={"partners": partners})
    # the contributions planned with the project are checked first: the project form alone says nothing of them
    saved = (
        submit(
            request,
            form,
            lambda data: services.project_create(
                actor=request.user,
                community=community,
                contributions=[f.plan() for f in plans if f.has_changed()],
                **data,
            ),
            done=_("The project is registered."),
            then=lambda project: reverse("partners:project", args=[code, project.pk]),
        )
        if plans.is_valid()
        else None
    )
    if saved is not None:
        return saved
    return _form(request, community, form, _("New partnership project"), formset=plans)


@login_required
def project_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    project = selectors.project_get(user=request.user, community=community, pk=pk)
    _manager(request, community)
    partners = selectors.project_partner_choices(user=request.user, project=project)
    initial = {
        "title": project.title,
        "scenario": project.scenario,
        "co_partners": list(project.co_partners.all()),
        "status": project.status,
        "starts_on": project.starts_on,
        "ends_on": project.ends_on,
        "beneficiaries": project.beneficiaries,
    }
    form = ProjectForm(request.POST or None, partners=partners, editing=True, initial=initial)
    saved = submit(
        request,
        form,
        lambda data: services.project_update(
            actor=request.user, project=project, **{**data, "co_partners": list(data["co_partners"])}
        ),
        done=_("The project is saved."),
        then=reverse("partners:project", args=[code, project.pk]),
    )
    if saved is not None:
        return saved
    return _form(request, community, form, _("Edit %(name)s") % {"name": project.title}, project=project)


@login_required
def contribution_new(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    project = selectors.project_get(user=request.user, community=community, pk=pk)
    _manager(request, community)
    partners = selectors.project_contributors(user=request.user, project=project)
    form = ContributionForm(request.POST or None, partners=partners)

    def add(_data: dict[str, Any]) -> Any:
        plan = form.plan()
        return services.contribution_add(
            actor=request.user,
            project=project,
            kind=plan.kind,
            description=plan.description,
            partner=plan.partner,
            value_fen=plan.value_fen,
            quantity=plan.quantity,
            delivered_on=plan.delivered_on,
        )

    saved = submit(
        request,
        form,
        add,
        done=_("The contribution is recorded."),
        then=reverse("partners:project", args=[code, project.pk]),
    )
    if saved is not None:
        return saved
    return _form(request, community, form, _("Add a contribution"), project=project)


def _contribution_move(
    request: HttpRequest,
    code: str,
    pk: int,
    contribution_pk: int,
    form: forms.Form,
    move: Callable[..., Any],
    done: str,
) -> HttpResponse:
    """Apply a POSTed move (deliver, withdraw) to one contribution and go back to its project."""
    community = community_get(code=code, user=request.user)
    project = selectors.project_get(user=request.user, community=community, pk=pk)
    _manager(request, community)
    contribution = selectors.contribution_get(project=project, pk=contribution_pk)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        try:
            move(contribution, **form.cleaned_data)
            messages.success(request, done)
        except DomainError as exc:
            messages.error(request, str(exc.message))
    return redirect("partners:project", code=code, pk=project.pk)


@login_required
def contribution_correct(request: HttpRequest, code: str, pk: int, contribution_pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    project = selectors.project_get(user=request.user, community=community, pk=pk)
    _manager(request, community)
    contribution = selectors.contribution_get(project=project, pk=contribution_pk)
    initial = {
        "description": contribution.description,
        "value_yuan": fen_to_yuan(contribution.value_fen),
        "quantity": contribution.quantity,
    }
    form = CorrectForm(request.POST or None, initial=initial)
    saved = submit(
        request,
        form,
        lambda data: services.contribution_correct(
            actor=request.user,
            contribution=contribution,
            reason=data["reason"],
            description=data["description"],
            value_fen=data.get("value_fen") or 0,
            quantity=data.get("quantity") or 0,
        ),
        done=_("The contribution is corrected."),
        then=reverse("partners:project", args=[code, project.pk]),
    )
    if saved is not None:
        return saved
    return _form(request, community, form, _("Correct a contribution"), project=project)


@login_required
@require_POST
def contribution_deliver(request: HttpRequest, code: str, pk: int, contribution_pk: int) -> HttpResponse:
    return _contribution_move(
        request,
        code,
        pk,
        contribution_pk,
        DeliverForm(request.POST),
        lambda c, on: services.contribution_deliver(actor=request.user, contribution=c, on=on),
        _("The contribution is marked delivered."),
    )


@login_required
@require_POST
def contribution_withdraw(request: HttpRequest, code: str, pk: int, contribution_pk: int) -> HttpResponse:
    return _contribution_move(
        request,
        code,
        pk,
        contribution_pk,
        WithdrawForm(request.POST),
        lambda c, reason: services.contribution_withdraw(actor=request.user, contribution=c, reason=reason),
        _("The pledge is withdrawn."),
    )


@login_required
def project_close(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    project = selectors.project_get(user=request.user, community=community, pk=pk)
    _manager(request, community)
    form = CloseForm(request.POST or None, initial={"ends_on": timezone.localdate()})
    saved = submit(
        request,
        form,
        lambda data: services.project_close(actor=request.user, project=project, **data),
        done=_("The project is closed with its outcomes."),
        then=reverse("partners:project", args=[code, project.pk]),
    )
    if saved is not None:
        return saved
    return _form(request, community, form, _("Close the project"), project=project)
