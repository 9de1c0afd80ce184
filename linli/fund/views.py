"""The fund's pages: the public page; staff record donations, open rounds, decide and pay; applicants apply and
report; reviewers score. Each view parses, checks the rule, calls one service and renders."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from linli.accounts.types import Actor
from linli.core.buttons import press, submit
from linli.core.errors import DomainError, NotAllowed
from linli.core.file_responses import PDF, file_response
from linli.places.models import Community
from linli.places.selectors import community_get

from . import rules, selectors, services
from .forms import (
    ApplicationForm,
    ConflictForm,
    DecisionForm,
    DonationForm,
    ReportForm,
    RoundForm,
    ScoreForm,
    TrancheForm,
)
from .models import Application, GrantRound
from .receipts import receipt_pdf


def _nav(request: HttpRequest, community: Community) -> dict[str, Any]:
    user = request.user
    return {
        "community": community,
        "can_books": rules.can_view_fund_books(user, community),
        "can_manage": rules.can_manage_fund(user, community),
        "reviews_here": rules.reviews_in(user, community),
    }


def public(request: HttpRequest, code: str) -> HttpResponse:
    community = get_object_or_404(Community, code=code)
    return render(
        request,
        "fund/public.html",
        {
            **_nav(request, community),
            "summary": selectors.fund_summary(community=community),
            "donations": selectors.donations_public(community=community)[:30],
        },
    )


# --- staff ----------------------------------------------------------------------------------------------


@login_required
def manage(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    donations = selectors.donations_for_books(user=request.user, community=community)
    return render(
        request,
        "fund/manage.html",
        {
            **_nav(request, community),
            "summary": selectors.fund_summary(community=community),
            "donations": donations[:50],
            "rounds": selectors.rounds_of(community=community),
            "contributions": selectors.money_contributions(user=request.user, community=community)[:100],
        },
    )


@login_required
@require_POST
def contribution_receive(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A partner's delivered money contribution is paid into the fund's ledger account, with its receipt."""
    community = community_get(code=code, user=request.user)
    contribution = selectors.money_contribution_get(user=request.user, community=community, pk=pk)
    return press(
        request,
        lambda d: services.contribution_receive(actor=request.user, contribution=contribution),
        done=lambda donation: _("Received into the fund: receipt %(no)s.") % {"no": donation.receipt_no},
        back=reverse("fund:manage", args=[code]),
    )


@login_required
def donation_new(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not rules.can_manage_fund(request.user, community):
        raise NotAllowed(_("You may not record donations for this community's fund."))
    form = DonationForm(
        request.POST or None,
        partners=selectors.donor_partners(user=request.user, community=community),
        initial={"received_on": timezone.localdate()},
    )
    return submit(
        request,
        form,
        lambda data: services.donation_record(actor=request.user, community=community, **data),
        done=lambda donation: _("Donation recorded: receipt %(no)s.") % {"no": donation.receipt_no},
        then=lambda donation: reverse("fund:donation", kwargs={"code": code, "pk": donation.pk}),
    ) or render(request, "fund/form.html", {**_nav(request, community), "form": form, "title": _("Record a donation")})


@login_required
def donation_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    donation = selectors.donation_get(user=request.user, community=community, pk=pk)
    return render(request, "fund/receipt.html", {**_nav(request, community), "donation": donation})


@login_required
def donation_pdf(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    donation = selectors.donation_get(user=request.user, community=community, pk=pk)
    return file_response(
        receipt_pdf(donation), filename=f"receipt-{donation.receipt_no}.pdf", content_type=PDF, inline=True
    )


@login_required
def round_new(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not rules.can_manage_fund(request.user, community):
        raise NotAllowed(_("You may not open grant rounds for this community's fund."))
    form = RoundForm(request.POST or None, reviewers=selectors.reviewer_choices(community=community))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["reviewers"] = list(data["reviewers"])
        try:
            grant_round = services.round_create(actor=request.user, community=community, **data)
        except DomainError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("The round is open."))
            return redirect("fund:round", code=code, pk=grant_round.pk)
    return render(
        request, "fund/form.html", {**_nav(request, community), "form": form, "title": _("Open a grant round")}
    )


@login_required
def round_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The round: for the fund's staff and the round's reviewers, its applications and scores."""
    community = community_get(code=code, user=request.user)
    grant_round = selectors.round_get(community=community, pk=pk)
    shows_applications = rules.can_view_round_applications(request.user, grant_round)
    today = timezone.localdate()
    return render(
        request,
        "fund/round.html",
        {
            **_nav(request, community),
            "round": grant_round,
            "applications": selectors.round_applications(user=request.user, grant_round=grant_round)
            if shows_applications
            else None,
            "scores_visible": rules.can_view_fund_books(request.user, community),
            "is_open": selectors.round_is_open(grant_round=grant_round, today=today),
            "moves": selectors.round_moves(user=request.user, grant_round=grant_round, today=today),
        },
    )


def _round_move(request: HttpRequest, code: str, pk: int, move: Callable[..., GrantRound], done: str) -> HttpResponse:
    """The staff move a round on (each move its own button and URL): `move(actor=, grant_round=)` is the service."""
    community = community_get(code=code, user=request.user)
    grant_round = selectors.round_get(community=community, pk=pk)
    if not rules.can_manage_fund(request.user, community):
        raise NotAllowed(_("You may not change the status of this community's grant rounds."))
    return press(
        request,
        lambda _data: move(actor=request.user, grant_round=grant_round),
        done=done,
        back=reverse("fund:round", kwargs={"code": code, "pk": grant_round.pk}),
    )


@login_required
@require_POST
def round_start_review(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    done = _("The review has started: the round takes no more applications.")
    return _round_move(request, code, pk, services.round_start_review, done)


@login_required
@require_POST
def round_close(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return _round_move(request, code, pk, services.round_close, _("The round is closed."))


@login_required
@require_POST
def round_reopen(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return _round_move(request, code, pk, services.round_reopen, _("The round is open for applications again."))


# --- applicants -----------------------------------------------------------------------------------------


@login_required
def rounds_open(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    return render(
        request,
        "fund/rounds_open.html",
        {
            **_nav(request, community),
            "rounds": selectors.open_rounds(community=community, today=timezone.localdate()),
            "partners": selectors.partners_for(user=request.user, community=community),
        },
    )


@login_required
def application_new(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    grant_round = selectors.round_get(community=community, pk=pk)
    partners = selectors.partners_for(user=request.user, community=community)
    if not partners.exists():
        raise NotAllowed(
            _("Only a community partner may apply: register as a partner (or act for one) with the community first.")
        )
    form = ApplicationForm(request.POST or None, partners=partners, categories=grant_round.categories)
    return submit(
        request,
        form,
        lambda data: services.application_submit(actor=request.user, grant_round=grant_round, **data),
        done=_("Your application is submitted."),
        then=lambda application: reverse("fund:application", kwargs={"code": code, "pk": application.pk}),
    ) or render(
        request,
        "fund/form.html",
        {
            **_nav(request, community),
            "form": form,
            "title": _("Apply for a grant"),
            "lead": grant_round.name,
        },
    )


@login_required
def mine(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    return render(
        request,
        "fund/mine.html",
        {**_nav(request, community), "applications": selectors.my_applications(user=request.user, community=community)},
    )


# --- reviewers ------------------------------------------------------------------------------------------


@login_required
def to_review(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    return render(
        request,
        "fund/review.html",
        {**_nav(request, community), "rows": selectors.to_review(user=request.user, community=community)},
    )


# --- one application: everyone's actions on it ----------------------------------------------------------


@login_required
@require_GET
def application_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """What the user may see of an application, and the forms they may submit: a reviewer's score or conflict, the
    staff's decision or payment, the grantee's report. Each form posts to its own view below."""
    community = community_get(code=code, user=request.user)
    application = selectors.application_get(user=request.user, community=community, pk=pk)
    return _application_page(request, community, application)


def _application_page(
    request: HttpRequest,
    community: Community,
    application: Application,
    *,
    action: str = "",
    refused: forms.Form | None = None,
) -> HttpResponse:
    """The application's page; a refused form (`action`) is shown again with its refusal."""
    user = request.user
    can_manage = rules.can_manage_fund(user, community)
    is_reviewer = rules.is_reviewer(user, application.round)
    can_report = rules.can_apply_for(user, application.applicant)
    shown: dict[str, forms.Form] = {
        "score": ScoreForm(),
        "conflict": ConflictForm(),
        "decide": DecisionForm(),
        "pay": TrancheForm(),
        "report": ReportForm(),
    }
    if refused is not None:
        shown[action] = refused
    money = selectors.application_money(application)
    reviews = selectors.reviews_of(user=user, application=application)
    scores = [r.score for r in reviews]
    my_review = next((r for r in reviews if r.reviewer_id == user.pk), None)
    conflicts = selectors.conflicts_of(reviewer=user, application=application) if is_reviewer else []
    submitted = application.status == Application.Status.SUBMITTED
    # A form is offered when its action is possible; a refused form is shown again with its refusal.
    show = {
        "score": is_reviewer and ((submitted and my_review is None) or action == "score"),
        "conflict": is_reviewer and ((submitted and my_review is None and not conflicts) or action == "conflict"),
        "decide": can_manage and (submitted or action == "decide"),
        "pay": can_manage and ((application.can_disburse() and money.left_to_pay(application) > 0) or action == "pay"),
        "report": can_report
        and (application.status in (Application.Status.APPROVED, Application.Status.COMPLETED) or action == "report"),
    }
    return render(
        request,
        "fund/application.html",
        {
            **_nav(request, community),
            "application": application,
            "money": money,
            "left_to_pay": money.left_to_pay(application),
            "reviews": reviews if rules.can_view_fund_books(user, community) else None,
            "mean_score": sum(scores) / len(scores) if scores else None,
            "my_review": my_review,
            "conflicts": conflicts,
            "is_reviewer": is_reviewer,
            "show": show,
            "tranches": selectors.tranches_of(user=user, application=application),
            "reports": application.reports.all(),
            "score_form": shown["score"],
            "conflict_form": shown["conflict"],
            "decision_form": shown["decide"],
            "tranche_form": shown["pay"],
            "report_form": shown["report"],
        },
    )


def _application_button(
    action: str,
    form_class: type[forms.Form],
    allowed: Callable[[Any, Community, Application], bool],
    refusal: str | Promise,
    run: Callable[[Any, Application, dict[str, Any]], str],
) -> Callable[..., HttpResponse]:
    """The view of one form of the application's page: check who may (`refusal` if not), validate the form, `run`
    the service: back to the page with the message `run` returns, or the page again with the form and its refusal
    (nothing saved)."""

    @login_required
    @require_POST
    def view(request: HttpRequest, code: str, pk: int) -> HttpResponse:
        community = community_get(code=code, user=request.user)
        application = selectors.application_get(user=request.user, community=community, pk=pk)
        if not allowed(request.user, community, application):
            raise NotAllowed(str(refusal))

        def again(form: forms.Form) -> HttpResponse:
            application.refresh_from_db()
            return _application_page(request, community, application, action=action, refused=form)

        return press(
            request,
            lambda data: run(request.user, application, data),
            done=lambda message: message,
            back=reverse("fund:application", kwargs={"code": code, "pk": application.pk}),
            form=form_class(request.POST),
            again=again,
        )

    return view


def _reviews(user: Actor, community: Community, application: Application) -> bool:
    return rules.is_reviewer(user, application.round)


def _manages(user: Actor, community: Community, application: Application) -> bool:
    return rules.can_manage_fund(user, community)


def _reports(user: Actor, community: Community, application: Application) -> bool:
    return rules.can_apply_for(user, application.applicant)


def _score(user: Actor, application: Application, data: dict[str, Any]) -> str:
    services.review_score(actor=user, application=application, score=data["score"], comment=data["comment"])
    return _("Your score is recorded.")


def _conflict(user: Actor, application: Application, data: dict[str, Any]) -> str:
    services.conflict_declare(actor=user, application=application, reason=data["reason"])
    return _("Your conflict of interest is declared; you will not score this applicant.")


def _decide(user: Actor, application: Application, data: dict[str, Any]) -> str:
    approve = data["decision"] == "approve"
    services.application_decide(
        actor=user, application=application, approve=approve, approved_fen=data["approved_fen"] or 0, note=data["note"]
    )
    return _("The application is approved.") if approve else _("The application is rejected.")


def _pay(user: Actor, application: Application, data: dict[str, Any]) -> str:
    tranche = services.tranche_pay(
        actor=user, application=application, amount_fen=data["amount_fen"], idempotency_key=data["idempotency_key"]
    )
    return _("Tranche %(n)s is paid.") % {"n": tranche.number}


def _report(user: Actor, application: Application, data: dict[str, Any]) -> str:
    services.report_submit(
        actor=user, application=application, period=data["period"], body=data["body"], spent_fen=data["spent_fen"] or 0
    )
    return _("Your report is submitted.")


NOT_A_REVIEWER = gettext_lazy("You are not a reviewer of this round.")
application_score = _application_button("score", ScoreForm, _reviews, NOT_A_REVIEWER, _score)
application_conflict = _application_button("conflict", ConflictForm, _reviews, NOT_A_REVIEWER, _conflict)
application_decide = _application_button(
    "decide", DecisionForm, _manages, gettext_lazy("You may not decide grant applications."), _decide
)
application_pay = _application_button("pay", TrancheForm, _manages, gettext_lazy("You may not pay out grants."), _pay)
application_report = _application_button(
    "report", ReportForm, _reports, gettext_lazy("Only the grantee reports on the project."), _report
)
