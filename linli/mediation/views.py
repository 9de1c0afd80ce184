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

from linli.accounts.models import User
from linli.core.errors import DomainError, NotAllowed, NotFound
from linli.people.models import Resident
from linli.places.selectors import community_get

from . import rules, selectors, services
from .models import CaseKind, CaseParty, FollowUp, Mediator

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
            "team": Mediator.objects.filter(community=community, active=True).select_related("user")
            if metadata is not None
            else [],
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


@login_required
@require_POST
def case_act(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    case = selectors.case_get(user=request.user, community=community, pk=pk)
    user, post, action = request.user, request.POST, request.POST.get("action", "")
    if action == "note":
        _run(request, lambda: services.note_add(actor=user, case=case, text=post.get("text", "")), _("Note added."))
    elif action == "session":
        field = forms.DateTimeField(widget=DT)
        try:
            starts_at = field.clean(post.get("starts_at", ""))
        except forms.ValidationError:
            messages.error(request, _("Enter a date and time."))
        else:
            _run(
                request,
                lambda: services.session_schedule(
                    actor=user, case=case, starts_at=starts_at, place=post.get("place", "")
                ),
                _("Session scheduled."),
            )
    elif action == "party":
        resident = Resident.objects.filter(community=community, pk=int(post.get("resident", "0") or 0)).first()
        if resident is None:
            messages.error(request, _("Some parties are not residents of this community."))
        else:
            _run(
                request,
                lambda: services.case_add_party(actor=user, case=case, resident=resident, side=post.get("side", "")),
                _("Party added."),
            )
    elif action == "agreement":
        try:
            due = forms.DateField().clean(post.get("follow_up_due", ""))
        except forms.ValidationError:
            messages.error(request, _("Enter the follow-up date."))
        else:
            _run(
                request,
                lambda: services.agreement_record(actor=user, case=case, text=post.get("text", ""), follow_up_due=due),
                _("Agreement recorded."),
            )
    elif action == "follow_up":
        _run(
            request,
            lambda: services.follow_up_record(
                actor=user, case=case, outcome=post.get("outcome", ""), text=post.get("text", "")
            ),
            _("Follow-up recorded."),
        )
    elif action == "close":
        _run(
            request,
            lambda: services.case_close(actor=user, case=case, resolved=post.get("resolved") == "1"),
            _("Case closed."),
        )
    else:
        messages.error(request, _("Unknown action."))
    return redirect("mediation:case_detail", code=code, pk=pk)


@login_required
@require_POST
def admin_act(request: HttpRequest, code: str) -> HttpResponse:
    """The community admin adds team members and assigns mediators, seeing only case numbers."""
    community = community_get(code=code, user=request.user)
    user, post = request.user, request.POST
    if post.get("action") == "team":
        member = User.objects.filter(mobile=post.get("mobile", "").strip()).first()
        if member is None:
            messages.error(request, _("No account has this mobile number."))
        else:
            _run(
                request,
                lambda: services.mediator_add(actor=user, community=community, user=member, team=post.get("team", "")),
                _("Mediator added to the team."),
            )
    elif post.get("action") == "assign":
        if not rules.can_assign_mediator(user, community):
            raise NotAllowed(_("Only the community admin may assign mediators."))
        from .models import Case

        case = Case.objects.filter(community=community, pk=int(post.get("case", "0") or 0)).first()
        mediator = Mediator.objects.filter(community=community, pk=int(post.get("mediator", "0") or 0)).first()
        if case is None or mediator is None:
            raise NotFound(_("No such mediation case."))
        _run(
            request,
            lambda: services.case_assign_mediator(actor=user, case=case, mediator=mediator),
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
