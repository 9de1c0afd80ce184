"""Mediation pages. Every case is read through `selectors`, which answer 404 to anyone outside the case."""

from typing import Any, TypeVar

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.buttons import button, submit
from linli.core.errors import DomainError, NotAllowed
from linli.core.filters import cleaned_filters
from linli.core.parsing import parse_id
from linli.places.selectors import community_get

from . import rules, selectors, services
from .models import Case, CaseKind, CaseParty, FollowUp

T = TypeVar("T")
DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False)


class CaseForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=CaseKind.choices)
    title = forms.CharField(label=gettext_lazy("Subject"), max_length=120)
    summary = forms.CharField(label=gettext_lazy("What happened"), widget=forms.Textarea(attrs={"rows": 5}))


@login_required
def index(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    q = cleaned_filters(CaseFilterForm(request.GET or None)).get("q", "")
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
    return submit(
        request,
        form,
        lambda data: services.case_open(actor=request.user, community=community, **data),
        done=_("Your request is received. A mediator will contact you."),
        then=lambda case: _case_url(code, case.pk) if rules.can_view_case(request.user, case) else _index_url(code),
    ) or render(request, "mediation/form.html", {"community": community, "form": form, "title": _("Ask for mediation")})


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


def _case_url(code: str, pk: int) -> str:
    return reverse("mediation:case_detail", kwargs={"code": code, "pk": pk})


def _index_url(code: str) -> str:
    return reverse("mediation:index", kwargs={"code": code})


def _posted_id(request: HttpRequest, name: str) -> int:
    return parse_id(request.POST.get(name, "") or "0")


def _posted_value(request: HttpRequest, name: str, field: forms.Field, refusal: str) -> Any:
    """A posted value cleaned by a form field, or a `DomainError` with `refusal`."""
    try:
        return field.clean(request.POST.get(name, ""))
    except forms.ValidationError:
        raise DomainError(refusal, field=name) from None


def _found(value: T | None, refusal: str) -> T:
    if value is None:
        raise DomainError(refusal)
    return value


def _case_and_party(request: HttpRequest, code: str, pk: int) -> tuple[Case, Any]:
    case = _case_posted(request, code, pk)
    return case, selectors.party_candidate(case=case, pk=_posted_id(request, "resident"))


case_note = button(
    _case_posted,
    lambda request, case, _data: services.note_add(actor=request.user, case=case, text=request.POST.get("text", "")),
    done=gettext_lazy("Note added."),
    back=_case_url,
)
case_session = button(
    _case_posted,
    lambda request, case, _data: services.session_schedule(
        actor=request.user,
        case=case,
        starts_at=_posted_value(request, "starts_at", forms.DateTimeField(widget=DT), _("Enter a date and time.")),
        place=request.POST.get("place", ""),
    ),
    done=gettext_lazy("Session scheduled."),
    back=_case_url,
)
case_party = button(
    _case_and_party,
    lambda request, found, _data: services.case_add_party(
        actor=request.user,
        case=found[0],
        resident=_found(found[1], _("Some parties are not residents of this community.")),
        side=request.POST.get("side", ""),
    ),
    done=gettext_lazy("Party added."),
    back=_case_url,
)
case_agreement = button(
    _case_posted,
    lambda request, case, _data: services.agreement_record(
        actor=request.user,
        case=case,
        text=request.POST.get("text", ""),
        follow_up_due=_posted_value(request, "follow_up_due", forms.DateField(), _("Enter the follow-up date.")),
    ),
    done=gettext_lazy("Agreement recorded."),
    back=_case_url,
)
case_follow_up = button(
    _case_posted,
    lambda request, case, _data: services.follow_up_record(
        actor=request.user, case=case, outcome=request.POST.get("outcome", ""), text=request.POST.get("text", "")
    ),
    done=gettext_lazy("Follow-up recorded."),
    back=_case_url,
)
case_close = button(
    _case_posted,
    lambda request, case, _data: services.case_close(
        actor=request.user, case=case, resolved=request.POST.get("resolved") == "1"
    ),
    done=gettext_lazy("Case closed."),
    back=_case_url,
)


def _team_candidate_posted(request: HttpRequest, code: str) -> tuple[Any, Any]:
    """Who may change the team is asked first, so that nobody else learns whether a mobile number has an account."""
    community = community_get(code=code, user=request.user)
    if not rules.can_manage_team(request.user, community):
        raise NotAllowed(_("Only the community admin may change the mediation team."))
    return community, selectors.team_candidate(mobile=request.POST.get("mobile", ""))


def _assignment_posted(request: HttpRequest, code: str) -> tuple[Case, Any]:
    """The case and the mediator chosen; only the community admin may assign, seeing only the case's number."""
    community = community_get(code=code, user=request.user)
    if not rules.can_assign_mediator(request.user, community):
        raise NotAllowed(_("Only the community admin may assign mediators."))
    case = selectors.case_for_assignment(user=request.user, community=community, pk=_posted_id(request, "case"))
    mediator = selectors.mediator_get(user=request.user, community=community, pk=_posted_id(request, "mediator"))
    return case, mediator


team_add = button(  # the community admin adds a member to the mediation team by mobile number
    _team_candidate_posted,
    lambda request, found, _data: services.mediator_add(
        actor=request.user,
        community=found[0],
        user=_found(found[1], _("No account has this mobile number.")),
        team=request.POST.get("team", ""),
    ),
    done=gettext_lazy("Mediator added to the team."),
    back=_index_url,
)
case_assign = button(
    _assignment_posted,
    lambda request, found, _data: services.case_assign_mediator(actor=request.user, case=found[0], mediator=found[1]),
    done=gettext_lazy("Mediator assigned."),
    back=_index_url,
)


@login_required
def statistics(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    return render(
        request,
        "mediation/statistics.html",
        {"community": community, "stats": selectors.statistics(user=request.user, community=community)},
    )
