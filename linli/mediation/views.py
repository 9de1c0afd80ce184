"""Mediation pages. Every case is read through `selectors`, which answer 404 to anyone outside the case."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from linli.core.errors import DomainError, NotAllowed
from linli.core.parsing import parse_id
from linli.places.selectors import community_get

from . import rules, selectors, services
from .models import Case, CaseKind, CaseParty, FollowUp

DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CaseForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=CaseKind.choices)
    title = forms.CharField(label=gettext_lazy("Subject"), max_length=120)
    summary = forms.CharField(label=gettext_lazy("What happened"), widget=forms.Textarea(attrs={"rows": 5}))


def _run(request: HttpRequest, call: Callable[[], Any], done: str) -> None:
    try:
        call()
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, done)


@login_required
def index(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    q = request.GET.get("q", "").strip()
    metadata = (
        selectors.case_metadata(user=request.user, community=community)
        if rules.can_view_case_metadata(request.user, community)
        else None
    )
    return render(
        request,
        "mediation/index.html",
        {
            "community": community,
            "cases": selectors.cases_for(user=request.user, community=community, q=q),
            "q": q,
            "metadata": metadata,
            "team": selectors.team_for(user=request.user, community=community) if metadata is not None else [],
            "can_open": rules.can_open_case(request.user, community),
            "can_manage_team": rules.can_manage_team(request.user, community),
        },
    )


@login_required
def case_new(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not rules.can_open_case(request.user, community):
        raise NotAllowed(_("You may not open a mediation case in this community."))
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(actor=request.user, community=community, **form.cleaned_data)
        except DomainError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("Your request is received. A mediator will contact you."))
            if rules.can_view_case(request.user, case):
                return redirect("mediation:case_detail", code=code, pk=case.pk)
            return redirect("mediation:index", code=code)
    return render(
        request, "mediation/form.html", {"community": community, "form": form, "title": _("Ask for mediation")}
    )


@login_required
def case_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    case = selectors.case_get(user=request.user, community=community, pk=pk)
    return render(
        request,
        "mediation/case_detail.html",
        {
            "community": community,
            "case": case,
            **selectors.case_detail(case=case),
            "can_handle": rules.can_handle_case(request.user, case),
            "sides": CaseParty.Side.choices,
            "outcomes": FollowUp.Outcome.choices,
        },
    )


def _case_posted(request: HttpRequest, code: str, pk: int) -> Case:
    community = community_get(code=code, user=request.user)
    return selectors.case_get(user=request.user, community=community, pk=pk)


def _to_case(code: str, pk: int) -> HttpResponse:
    return redirect("mediation:case_detail", code=code, pk=pk)


def _posted_id(request: HttpRequest, name: str) -> int:
    return parse_id(request.POST.get(name, "") or "0")


@login_required
@require_POST
def case_note(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    case = _case_posted(request, code, pk)
    text = request.POST.get("text", "")
    _run(request, lambda: services.note_add(actor=request.user, case=case, text=text), _("Note added."))
    return _to_case(code, pk)


@login_required
@require_POST
def case_session(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    case = _case_posted(request, code, pk)
    try:
        starts_at = forms.DateTimeField(widget=DT).clean(request.POST.get("starts_at", ""))
    except forms.ValidationError:
        messages.error(request, _("Enter a date and time."))
    else:
        _run(
            request,
            lambda: services.session_schedule(
                actor=request.user, case=case, starts_at=starts_at, place=request.POST.get("place", "")
            ),
            _("Session scheduled."),
        )
    return _to_case(code, pk)


@login_required
@require_POST
def case_party(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    case = _case_posted(request, code, pk)
    resident = selectors.party_candidate(user=request.user, case=case, pk=_posted_id(request, "resident"))
    if resident is None:
        messages.error(request, _("Some parties are not residents of this community."))
    else:
        _run(
            request,
            lambda: services.case_add_party(
                actor=request.user, case=case, resident=resident, side=request.POST.get("side", "")
            ),
            _("Party added."),
        )
    return _to_case(code, pk)


@login_required
@require_POST
def case_agreement(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    case = _case_posted(request, code, pk)
    try:
        due = forms.DateField().clean(request.POST.get("follow_up_due", ""))
    except forms.ValidationError:
        messages.error(request, _("Enter the follow-up date."))
    else:
        _run(
            request,
            lambda: services.agreement_record(
                actor=request.user, case=case, text=request.POST.get("text", ""), follow_up_due=due
            ),
            _("Agreement recorded."),
        )
    return _to_case(code, pk)


@login_required
@require_POST
def case_follow_up(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    case = _case_posted(request, code, pk)
    _run(
        request,
        lambda: services.follow_up_record(
            actor=request.user, case=case, outcome=request.POST.get("outcome", ""), text=request.POST.get("text", "")
        ),
        _("Follow-up recorded."),
    )
    return _to_case(code, pk)


@login_required
@require_POST
def case_close(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    case = _case_posted(request, code, pk)
    _run(
        request,
        lambda: services.case_close(actor=request.user, case=case, resolved=request.POST.get("resolved") == "1"),
        _("Case closed."),
    )
    return _to_case(code, pk)


@login_required
@require_POST
def team_add(request: HttpRequest, code: str) -> HttpResponse:
    """The community admin adds a member to the mediation team by mobile number."""
    community = community_get(code=code, user=request.user)
    member = selectors.team_candidate(user=request.user, community=community, mobile=request.POST.get("mobile", ""))
    if member is None:
        messages.error(request, _("No account has this mobile number."))
    else:
        _run(
            request,
            lambda: services.mediator_add(
                actor=request.user, community=community, user=member, team=request.POST.get("team", "")
            ),
            _("Mediator added to the team."),
        )
    return redirect("mediation:index", code=code)


@login_required
@require_POST
def case_assign(request: HttpRequest, code: str) -> HttpResponse:
    """The community admin assigns a mediator to a case, seeing only its number."""
    community = community_get(code=code, user=request.user)
    if not rules.can_assign_mediator(request.user, community):
        raise NotAllowed(_("Only the community admin may assign mediators."))
    case = selectors.case_for_assignment(user=request.user, community=community, pk=_posted_id(request, "case"))
    mediator = selectors.mediator_get(user=request.user, community=community, pk=_posted_id(request, "mediator"))
    _run(
        request,
        lambda: services.case_assign_mediator(actor=request.user, case=case, mediator=mediator),
        _("Mediator assigned."),
    )
    return redirect("mediation:index", code=code)


@login_required
def statistics(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    return render(
        request,
        "mediation/statistics.html",
        {"community": community, "stats": selectors.statistics(user=request.user, community=community)},
    )
